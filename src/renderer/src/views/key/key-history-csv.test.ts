import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KeyHistoryReport } from '../../../../shared/contract/api-types.ts';
import { buildCsv } from '../../format/csv.ts';
import { keyDaysCsv, keyMonthsCsv } from './key-history-csv.ts';

const usage = (rx: number, tx: number, sessions: number, max: number) => ({ rx_bytes: rx, tx_bytes: tx, total_bytes: rx + tx, sessions, max_connections: max });
const history = {
  daily_stats: { '2026-12-02': usage(10, 20, 3, 2), '2026-11-30': usage(1, 2, 1, 5), '2026-12-01': usage(100, 200, 40, 1) },
} as unknown as KeyHistoryReport;

test('a key’s days, oldest first, with the API’s fields', () => {
  assert.equal(
    buildCsv(keyDaysCsv(history)),
    'date,rx_bytes,tx_bytes,total_bytes,sessions,max_connections\r\n' +
      '2026-11-30,1,2,3,1,5\r\n2026-12-01,100,200,300,40,1\r\n2026-12-02,10,20,30,3,2\r\n',
  );
});

test('a key’s months add up their days; a month’s most at once is its busiest day’s', () => {
  assert.equal(
    buildCsv(keyMonthsCsv(history)),
    'year_month,rx_bytes,tx_bytes,total_bytes,sessions,max_connections\r\n2026-11,1,2,3,1,5\r\n2026-12,110,220,330,43,2\r\n',
  );
});
