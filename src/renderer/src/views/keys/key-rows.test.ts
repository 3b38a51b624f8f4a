import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiKey, LiveTraffic, MonthlyReport } from '../../../../shared/contract/api-types.ts';
import { filterKeyRows, joinKeyRows, sortKeyRows, type KeyRow } from './key-rows.ts';

const key = (id: string, name: string, port: number, isActive = true): ApiKey => ({
  id,
  name,
  uuid: `uuid-${id}`,
  created_at: '2025-08-01T00:00:00.000000',
  is_active: isActive,
  port,
  status: isActive ? 'active' : 'disabled',
  data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null, note: '', used_bytes: 0, period_started_at: null,
});

const KEYS = [key('k1', 'anna laptop', 10003), key('k2', 'Bob', 10001, false), key('k3', 'anna phone', 10002), key('k4', 'key 10', 10004)];

const live = { ports: { '10001': { key_id: 'k2', traffic_rate: 50, connections: 1 }, '10003': { key_id: 'k1', traffic_rate: 900, connections: 3 } } } as unknown as LiveTraffic;
const month = { keys: [{ key_id: 'k1', monthly_traffic: { total_bytes: 5_000 } }, { key_id: 'k3', monthly_traffic: { total_bytes: 70 } }] } as unknown as MonthlyReport;

const ids = (rows: readonly KeyRow[]) => rows.map((row) => row.key.id);

test('rows join live rate, connections, today and month by key id; a key absent from the day or month moved 0 bytes in it', () => {
  const today = { date: '2025-08-05', keys: { k3: { total_bytes: 12, rx_bytes: 2, tx_bytes: 10, max_connections: 1, sessions: 1 } } };
  const rows = joinKeyRows(KEYS, live, month, today);
  assert.deepEqual(
    rows.map((row) => [row.key.id, row.rateBytesPerSecond, row.connections, row.todayBytes, row.monthBytes]),
    [
      ['k1', 900, 3, 0, 5_000],
      ['k2', 50, 1, 0, 0],
      ['k3', undefined, undefined, 12, 70],
      ['k4', undefined, undefined, 0, 0],
    ],
  );
  assert.deepEqual(
    joinKeyRows(KEYS, undefined, undefined, undefined).map((row) => [row.todayBytes, row.monthBytes]),
    Array(4).fill([undefined, undefined]),
    'before the month has loaded, nothing is claimed',
  );
});

test('search matches name (any case), id or port', () => {
  const rows = joinKeyRows(KEYS, live, month, undefined);
  assert.deepEqual(ids(filterKeyRows(rows, ' ANNA ')), ['k1', 'k3']);
  assert.deepEqual(ids(filterKeyRows(rows, 'k2')), ['k2']);
  assert.deepEqual(ids(filterKeyRows(rows, '10004')), ['k4']);
  assert.equal(filterKeyRows(rows, '  '), rows);
});

test('names sort as people read them; figures not known yet go last both ways; ties keep port order', () => {
  const rows = joinKeyRows(KEYS, live, month, undefined);
  assert.deepEqual(ids(sortKeyRows(rows, { column: 'name', descending: false })), ['k1', 'k3', 'k2', 'k4']);
  assert.deepEqual(ids(sortKeyRows(rows, { column: 'rate', descending: true })), ['k1', 'k2', 'k3', 'k4']);
  assert.deepEqual(ids(sortKeyRows(rows, { column: 'rate', descending: false })), ['k2', 'k1', 'k3', 'k4']);
  assert.deepEqual(ids(sortKeyRows(rows, { column: 'month', descending: false })), ['k2', 'k4', 'k3', 'k1']);
  assert.deepEqual(ids(sortKeyRows(rows, { column: 'active', descending: false })), ['k2', 'k3', 'k1', 'k4']);
});
