import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { deployedAlpha, openTempCache } from '../cache/testing/temp-cache.ts';
import type { ServerSessions } from './server-sessions.ts';
import { TrafficService } from './traffic-service.ts';

const SYNCED = '2025-08-05T12:00:00.000Z';
const usage = (rx: number, tx: number, sessions = 1) => ({ total_bytes: rx + tx, rx_bytes: rx, tx_bytes: tx, max_connections: 2, sessions });

/** A TrafficService over a real cache file whose server answers only while `server.online`. */
function offlineTraffic(t: TestContext, server: { online: boolean; client?: object } = { online: false }) {
  const { cache } = openTempCache(t);
  cache.saveServer(deployedAlpha(SYNCED));
  cache.markSynced('s1', SYNCED);
  const sessions = {
    client: async () => {
      if (!server.online) throw new KeyportError('server-offline', 'alpha does not answer');
      return server.client;
    },
  } as unknown as ServerSessions;
  return { cache, traffic: new TrafficService(cache, sessions) };
}

test('offline, a day never read before is summed from the cached per-key days', async (t) => {
  const { cache, traffic } = offlineTraffic(t);
  cache.putKeyDays('s1', 'k1', { '2025-08-03': usage(1_000, 3_000, 4) }, SYNCED);
  cache.putKeyDays('s1', 'k2', { '2025-08-03': usage(500, 0, 1), '2025-08-04': usage(7, 7) }, SYNCED);
  const day = await traffic.daily('alpha', '2025-08-03');
  assert.equal(day.source, 'cache');
  assert.equal(day.syncedAt, SYNCED);
  assert.deepEqual(day.data, {
    date: '2025-08-03',
    total_bytes: 4_500,
    rx_bytes: 1_500,
    tx_bytes: 3_000,
    total_connections: 4,
    active_keys: 2,
    total_sessions: 5,
    total_formatted: '4.39 KB',
  });
});

test('offline, a quiet day before the last sync is zero, and a day after it is not known', async (t) => {
  const { traffic } = offlineTraffic(t);
  const quiet = await traffic.daily('alpha', '2025-08-01');
  assert.equal(quiet.data.total_bytes, 0);
  assert.equal(quiet.data.active_keys, 0);
  await assert.rejects(traffic.daily('alpha', '2025-08-06'), (error: unknown) => error instanceof KeyportError && error.code === 'server-offline');
});

test('a key’s history is cached once: its days in the day table, the rest beside; offline they are put back together', async (t) => {
  const report = {
    key_id: 'k1',
    key_name: 'anna',
    port: 10001,
    total_traffic: { total_bytes: 4_000 },
    daily_stats: { '2025-08-03': usage(1_000, 3_000) },
  };
  const server = { online: true, client: { getKeyTrafficHistory: async () => ({ data: report }) } };
  const { cache, traffic } = offlineTraffic(t, server);
  cache.putKeyDays('s1', 'k1', { '2025-07-01': usage(5, 5) }, SYNCED);

  assert.equal((await traffic.keyHistory('alpha', 'k1')).source, 'live');
  assert.equal(JSON.stringify(cache.getSnapshot('s1', 'key-history-summary', 'k1')?.data).includes('daily_stats'), false, 'days are not stored twice');

  server.online = false;
  const offline = await traffic.keyHistory('alpha', 'k1');
  assert.equal(offline.source, 'cache');
  assert.deepEqual(offline.data, {
    ...report,
    // The cache keeps a day the agent no longer reports.
    daily_stats: { '2025-07-01': usage(5, 5), '2025-08-03': usage(1_000, 3_000) },
  });
});

test('a day by key is filed into the cached days; offline it is read back from them, up to the last sync', async (t) => {
  const live = { date: '2025-08-04', keys: { k1: usage(100, 200), k2: usage(0, 0, 3) } };
  const server = { online: true, client: { getDailyKeysTraffic: async (date: string) => ({ data: { ...live, date } }) } };
  const { cache, traffic } = offlineTraffic(t, server);
  cache.putKeyDays('s1', 'k3', { '2025-08-04': usage(9, 9) }, SYNCED);

  assert.deepEqual(await traffic.dailyByKey('alpha', '2025-08-04').then((read) => [read.source, read.data]), ['live', live]);
  assert.deepEqual(
    cache.keyDays('s1', 'k1').map((day) => [day.date, day.usage]),
    [['2025-08-04', usage(100, 200)]],
  );

  server.online = false;
  const offline = await traffic.dailyByKey('alpha', '2025-08-04');
  assert.equal(offline.source, 'cache');
  assert.deepEqual(offline.data, { date: '2025-08-04', keys: { k1: usage(100, 200), k2: usage(0, 0, 3), k3: usage(9, 9) } });
  const afterLastSync = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await assert.rejects(traffic.dailyByKey('alpha', afterLastSync), (error: unknown) => error instanceof KeyportError && error.code === 'server-offline');
  await assert.rejects(traffic.dailyByKey('alpha', 'yesterday'), (error: unknown) => error instanceof KeyportError && error.code === 'bad-input');
});

test('a day that is no calendar date, or a month that is none, is bad input before the server is asked', async (t) => {
  let asked = 0;
  const { traffic } = offlineTraffic(t, {
    get online() {
      asked += 1;
      return false;
    },
  });
  for (const date of ['2025-02-30', '2025-13-45']) {
    await assert.rejects(traffic.daily('alpha', date), { code: 'bad-input' }, date);
    await assert.rejects(traffic.dailyByKey('alpha', date), { code: 'bad-input' }, date);
  }
  await assert.rejects(traffic.monthly('alpha', { year: 2025, month: 13 }), { code: 'bad-input' });
  await assert.rejects(traffic.keyMonthly('alpha', 'k1', { year: 2025, month: 0 }), { code: 'bad-input' });
  assert.equal(asked, 0);
});

test('the bulk read files every page of days into the cache and answers the agent’s day; an agent without it answers null', async (t) => {
  type Row = [string, number, number, number, number];
  const pages: Record<string, { keys: Array<{ key_id: string; days: Row[] }>; next: string | null }> = {
    first: { keys: [{ key_id: 'k1', days: [['2025-08-01', 1, 2, 3, 4], ['2025-08-02', 5, 6, 7, 8]] }], next: 'c1' },
    c1: { keys: [{ key_id: 'k1', days: [['2025-08-03', 9, 9, 1, 1]] }, { key_id: 'k2', days: [['2025-08-01', 7, 0, 1, 1]] }], next: 'c2' },
    c2: { keys: [], next: null },
  };
  const asked: Array<[string | undefined, string | undefined]> = [];
  const client = {
    getTrafficDays: async (since: string | undefined, after: string | undefined) => {
      asked.push([since, after]);
      if (since === 'old-agent') throw new KeyportError('not-found', 'no route GET /api/traffic/days', { httpStatus: 404 });
      return { status: 'success', data: { since: since ?? null, rows: 0, ...pages[after ?? 'first']! }, timestamp: '2025-08-05T23:59:59.000000' };
    },
  };
  const { cache, traffic } = offlineTraffic(t, { online: true, client });
  assert.equal(await traffic.syncDays('alpha', undefined), '2025-08-05');
  assert.deepEqual(asked, [[undefined, undefined], [undefined, 'c1'], [undefined, 'c2']]);
  const row = (rx: number, tx: number, maxConnections: number, sessions: number) => ({ total_bytes: rx + tx, rx_bytes: rx, tx_bytes: tx, max_connections: maxConnections, sessions });
  assert.deepEqual(
    cache.keyDays('s1', 'k1').map((day) => [day.date, day.usage]),
    [['2025-08-01', row(1, 2, 3, 4)], ['2025-08-02', row(5, 6, 7, 8)], ['2025-08-03', row(9, 9, 1, 1)]],
  );
  assert.deepEqual(cache.dayTotals('s1', '2025-08-01').map((day) => day.keyId), ['k1', 'k2']);
  assert.equal(await traffic.syncDays('alpha', 'old-agent'), null);
});

test('a page bigger than one write lands whole, its keys split across writes as they fall', async (t) => {
  const days = (count: number) =>
    Array.from({ length: count }, (_, index) => [new Date(Date.UTC(1990, 0, 1) + index * 86_400_000).toISOString().slice(0, 10), index, 1, 1, 1]);
  const page = { keys: [{ key_id: 'k1', days: days(12_345) }, { key_id: 'k2', days: days(9_000) }, { key_id: 'k3', days: days(1) }], next: null };
  const client = { getTrafficDays: async () => ({ status: 'success', data: { since: null, rows: 21_346, ...page }, timestamp: '2025-08-05T00:00:00.000000' }) };
  const { cache, traffic } = offlineTraffic(t, { online: true, client });
  assert.equal(await traffic.syncDays('alpha', undefined), '2025-08-05');
  assert.equal(cache.keyDays('s1', 'k1').length, 12_345);
  assert.equal(cache.keyDays('s1', 'k2').length, 9_000);
  assert.deepEqual(cache.keyDays('s1', 'k2').at(-1)?.usage, { total_bytes: 9_000, rx_bytes: 8_999, tx_bytes: 1, max_connections: 1, sessions: 1 });
  assert.equal(cache.keyDays('s1', 'k3').length, 1);
});
