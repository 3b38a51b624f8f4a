import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DailyTrafficReport, MonthlyReport } from '../../../../shared/contract/api-types.ts';
import { buildCsv } from '../../format/csv.ts';
import { monthlyKeysCsv, serverDaysCsv, serverMonthsCsv } from './traffic-csv.ts';

const day = (date: string, rx: number, tx: number): DailyTrafficReport => ({
  date, rx_bytes: rx, tx_bytes: tx, total_bytes: rx + tx, total_sessions: 46, total_connections: 0, active_keys: 2, total_formatted: '',
});

test('server days: a row per day asked for, a day not to be had with empty figures rather than zeros', () => {
  const csv = buildCsv(serverDaysCsv(['2026-12-01', '2026-12-02', '2026-12-03'], [day('2026-12-03', 1024, 2048), day('2026-12-01', 0, 0)]));
  assert.equal(
    csv,
    'date,rx_bytes,tx_bytes,total_bytes,total_sessions,total_connections,active_keys\r\n' +
      '2026-12-01,0,0,0,46,0,2\r\n' +
      '2026-12-02,,,,,,\r\n' +
      '2026-12-03,1024,2048,3072,46,0,2\r\n',
  );
});

test('server months: rx, tx and their total; a missing month empty', () => {
  const csv = buildCsv(
    serverMonthsCsv([
      { yearMonth: '2026-11', rxBytes: 0, txBytes: 0, source: 'missing', syncedAt: null },
      { yearMonth: '2026-12', rxBytes: 5, txBytes: 7, source: 'cache', syncedAt: '2026-12-03T10:00:00.000Z' },
    ]),
  );
  assert.equal(csv, 'year_month,rx_bytes,tx_bytes,total_bytes\r\n2026-11,,,\r\n2026-12,5,7,12\r\n');
});

test('keys of a month, in the order given, named and guarded as text', () => {
  const entry = (id: string, name: string, total: number) => ({
    key_id: id, key_uuid: `u-${id}`, key_name: name, port: 10001, created_at: '', last_activity: null, is_active: true,
    monthly_traffic: { rx_bytes: total, tx_bytes: 0, total_bytes: total, max_connections: 0, sessions: 46, total_formatted: '', rx_formatted: '', tx_formatted: '' },
  });
  const report = { year_month: '2026-12', keys: [entry('a', 'alice', 1), entry('b', '@bob', 9)] } as unknown as MonthlyReport;
  const csv = buildCsv(monthlyKeysCsv(report, [report.keys[1]!, report.keys[0]!]));
  assert.equal(
    csv,
    'year_month,key_id,key_name,port,rx_bytes,tx_bytes,total_bytes,sessions,max_connections\r\n' +
      "2026-12,b,'@bob,10001,9,0,9,46,0\r\n" +
      '2026-12,a,alice,10001,1,0,1,46,0\r\n',
  );
});
