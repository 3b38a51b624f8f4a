import type { CsvTable } from '../../format/csv.ts';
import { isoTime } from '../../format/iso-time.ts';
import type { KeyRow } from './key-rows.ts';

/**
 * The keys table as shown (its search, filter and order) with the figures behind its cells:
 * bytes, ISO times, the status judged as the table judges it. Not the uuid or the subscription
 * link: a file of everyone's credentials is not what "export the table" should leave in Downloads.
 * `day` and `month` name the UTC day and month the Today and This month columns are of.
 */
export function keysCsv(rows: readonly KeyRow[], { today, month }: { today: string; month: string }): CsvTable {
  return {
    header: [
      'key_id',
      'name',
      'port',
      'status',
      'is_active',
      'used_bytes',
      'data_limit_bytes',
      'data_limit_reset',
      'expires_at',
      'note',
      'created_at',
      'day',
      'day_bytes',
      'month',
      'month_bytes',
    ],
    rows: rows.map(({ key, limits, todayBytes, monthBytes }) => [
      key.id,
      key.name,
      key.port,
      limits.status,
      key.is_active,
      key.used_bytes,
      key.data_limit_bytes,
      key.data_limit_reset,
      isoTime(key.expires_at),
      key.note,
      isoTime(key.created_at),
      today,
      todayBytes,
      month,
      monthBytes,
    ]),
  };
}
