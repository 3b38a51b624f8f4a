import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiKey, LiveTraffic, MonthlyReport } from '../../../../shared/contract/api-types.ts';
import { filterKeyRows, joinKeyRows, keysWithLimits, sortKeyRows, type KeyRow } from './key-rows.ts';

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const HOUR = 3_600_000;
const MB = 1024 ** 2;
const at = (ms: number) => new Date(ms).toISOString().replace('Z', '000');

const key = (id: string, name: string, port: number, isActive = true, limits: Partial<ApiKey> = {}): ApiKey => ({
  id,
  name,
  uuid: `uuid-${id}`,
  created_at: '2025-08-01T00:00:00.000000',
  is_active: isActive,
  port,
  status: isActive ? 'active' : 'disabled',
  data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null, note: '', used_bytes: 0, period_started_at: null, subscription_url: null,
  ...limits,
});

const KEYS = [key('k1', 'anna laptop', 10003), key('k2', 'Bob', 10001, false), key('k3', 'anna phone', 10002), key('k4', 'key 10', 10004)];

const live = { ports: { '10001': { key_id: 'k2', traffic_rate: 50, connections: 1 }, '10003': { key_id: 'k1', traffic_rate: 900, connections: 3 } } } as unknown as LiveTraffic;
const month = { keys: [{ key_id: 'k1', monthly_traffic: { total_bytes: 5_000 } }, { key_id: 'k3', monthly_traffic: { total_bytes: 70 } }] } as unknown as MonthlyReport;

const ids = (rows: readonly KeyRow[]) => rows.map((row) => row.key.id);

test('rows join live rate, connections, today and month by key id; a key absent from the day or month moved 0 bytes in it', () => {
  const today = { date: '2025-08-05', keys: { k3: { total_bytes: 12, rx_bytes: 2, tx_bytes: 10, max_connections: 1, sessions: 1 } } };
  const rows = joinKeyRows(keysWithLimits(KEYS, NOW), live, month, today);
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
    joinKeyRows(keysWithLimits(KEYS, NOW), undefined, undefined, undefined).map((row) => [row.todayBytes, row.monthBytes]),
    Array(4).fill([undefined, undefined]),
    'before the month has loaded, nothing is claimed',
  );
});

test('search matches name (any case), id or port', () => {
  const rows = joinKeyRows(keysWithLimits(KEYS, NOW), live, month, undefined);
  assert.deepEqual(ids(filterKeyRows(rows, ' ANNA ')), ['k1', 'k3']);
  assert.deepEqual(ids(filterKeyRows(rows, 'k2')), ['k2']);
  assert.deepEqual(ids(filterKeyRows(rows, '10004')), ['k4']);
  assert.equal(filterKeyRows(rows, '  '), rows);
});

test('names sort as people read them; figures not known yet go last both ways; ties keep port order', () => {
  const rows = joinKeyRows(keysWithLimits(KEYS, NOW), live, month, undefined);
  assert.deepEqual(ids(sortKeyRows(rows, { column: 'name', descending: false })), ['k1', 'k3', 'k2', 'k4']);
  assert.deepEqual(ids(sortKeyRows(rows, { column: 'rate', descending: true })), ['k1', 'k2', 'k3', 'k4']);
  assert.deepEqual(ids(sortKeyRows(rows, { column: 'rate', descending: false })), ['k2', 'k1', 'k3', 'k4']);
  assert.deepEqual(ids(sortKeyRows(rows, { column: 'month', descending: false })), ['k2', 'k4', 'k3', 'k1']);
  assert.deepEqual(ids(sortKeyRows(rows, { column: 'active', descending: false })), ['k2', 'k3', 'k1', 'k4']);
});

/** Keys with limits: a quota nearly used, one used up, one expiring in 3 days, one expired an hour ago (still "active" in a cached copy). */
const LIMITED = [
  key('q1', 'near quota', 10011, true, { data_limit_bytes: 10 * MB, used_bytes: 9 * MB, note: 'Office' }),
  key('q2', 'used up', 10012, true, { status: 'limited', data_limit_bytes: 2 * MB, used_bytes: 2 * MB, data_limit_reset: 'month' }),
  key('q3', 'soon', 10013, true, { expires_at: at(NOW + 3 * 24 * HOUR + HOUR), note: 'trial' }),
  key('q4', 'gone', 10014, true, { expires_at: at(NOW - HOUR - 60_000) }),
  key('q5', 'low use', 10015, true, { data_limit_bytes: 10 * MB, used_bytes: MB }),
  key('q6', 'off', 10016, false),
];
const limitedRows = () => joinKeyRows(keysWithLimits(LIMITED, NOW), undefined, undefined, undefined);

test('each key’s status, usage against quota and expiry are worked out once, in words', () => {
  assert.deepEqual(
    keysWithLimits(LIMITED, NOW).map(({ key: { id }, limits }) => [id, limits.status, limits.quotaShare, limits.usageText, limits.expiryText, limits.expiringSoon]),
    [
      ['q1', 'active', 0.9, '9.00 MiB / 10.00 MiB', 'never', false],
      ['q2', 'limited', 1, '2.00 MiB / 2.00 MiB', 'never', false],
      ['q3', 'active', null, null, 'in 3 days', true],
      ['q4', 'expired', null, null, 'expired 1 h ago', false],
      ['q5', 'active', 0.1, '1.00 MiB / 10.00 MiB', 'never', false],
      ['q6', 'disabled', null, null, 'never', false],
    ],
  );
});

test('filters: by status, expiring this week, over 80% of quota; with the search, which reads notes too', () => {
  const rows = limitedRows();
  assert.deepEqual(ids(filterKeyRows(rows, '', 'active')), ['q1', 'q3', 'q5']);
  assert.deepEqual(ids(filterKeyRows(rows, '', 'limited')), ['q2']);
  assert.deepEqual(ids(filterKeyRows(rows, '', 'expired')), ['q4']);
  assert.deepEqual(ids(filterKeyRows(rows, '', 'disabled')), ['q6']);
  assert.deepEqual(ids(filterKeyRows(rows, '', 'expiring-soon')), ['q3']);
  assert.deepEqual(ids(filterKeyRows(rows, '', 'over-80')), ['q1', 'q2']);
  assert.deepEqual(ids(filterKeyRows(rows, 'office', 'all')), ['q1']);
  assert.deepEqual(ids(filterKeyRows(rows, 'TRIAL', 'expiring-soon')), ['q3']);
  assert.deepEqual(ids(filterKeyRows(rows, 'trial', 'over-80')), []);
  assert.equal(filterKeyRows(rows, '', 'all'), rows);
});

test('sorting by status, usage, expiry and note; keys without a quota, an expiry or a note go last both ways', () => {
  const rows = limitedRows();
  assert.deepEqual(ids(sortKeyRows(rows, { column: 'status', descending: false })), ['q1', 'q3', 'q5', 'q6', 'q2', 'q4']);
  assert.deepEqual(ids(sortKeyRows(rows, { column: 'usage', descending: true })), ['q2', 'q1', 'q5', 'q3', 'q4', 'q6']);
  assert.deepEqual(ids(sortKeyRows(rows, { column: 'usage', descending: false })), ['q5', 'q1', 'q2', 'q3', 'q4', 'q6']);
  assert.deepEqual(ids(sortKeyRows(rows, { column: 'expiry', descending: false })), ['q4', 'q3', 'q1', 'q2', 'q5', 'q6']);
  assert.deepEqual(ids(sortKeyRows(rows, { column: 'expiry', descending: true })), ['q3', 'q4', 'q1', 'q2', 'q5', 'q6']);
  assert.deepEqual(ids(sortKeyRows(rows, { column: 'note', descending: false })), ['q1', 'q3', 'q2', 'q4', 'q5', 'q6']);
});

test('a live refresh reuses each key’s limit facts: nothing is judged again per row', () => {
  const withLimits = keysWithLimits(LIMITED, NOW);
  const first = joinKeyRows(withLimits, undefined, undefined, undefined);
  const second = joinKeyRows(withLimits, live, month, undefined);
  assert.ok(first.every((row, index) => row.limits === second[index]!.limits));
});
