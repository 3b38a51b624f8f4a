import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DailyTrafficReport, KeyMonthlyReport, LiveTraffic, MonthlyReport } from '../../shared/contract/api-types.ts';
import type { YearMonth } from '../../shared/contract/services.ts';
import { fakeCore } from './testing/fake-core.ts';
import { ALICE, BOB, fromCache, live } from './testing/fixtures.ts';
import { runInProcess } from './testing/run-in-process.ts';

const LIVE: LiveTraffic = {
  ports: {
    '10001': {
      port: 10001, connections: 2, total_bytes: 38467682 + 512, rx_bytes: 512, tx_bytes: 38467682,
      total_formatted: '', rx_formatted: '', tx_formatted: '', traffic_rate: 2048, uuid: ALICE.uuid, key_id: ALICE.id, name: ALICE.name, is_active: true,
    },
  },
  total_connections: 2,
  total_bytes: 38467682 + 512,
  timestamp: Date.parse('2025-08-05T12:00:00Z') / 1000,
};

const DAILY: DailyTrafficReport = {
  date: '2025-08-05', total_bytes: 3072, rx_bytes: 1024, tx_bytes: 2048, total_connections: 4, active_keys: 1, total_sessions: 9, total_formatted: '3.00 KB',
};

const usage = { total_bytes: 2048, rx_bytes: 1024, tx_bytes: 1024, max_connections: 3, sessions: 7, total_formatted: '', rx_formatted: '', tx_formatted: '' };
const identity = { key_id: ALICE.id, key_uuid: ALICE.uuid, key_name: ALICE.name, port: 10001, created_at: ALICE.created_at, last_activity: null, is_active: true };

describe('traffic', () => {
  test('live prints each port with 1024-based sizes in IEC units and a total', async () => {
    const result = await runInProcess(['traffic', 'live', 'alpha'], { services: { traffic: { live: async () => live(LIVE) } } });
    assert.equal(
      result.stdout,
      ' PORT  NAME               ACTIVE  OPEN NOW     RX         TX      TOTAL        RATE\n' +
        '10001  alice@example.com  yes            2  512 B  36.69 MiB  36.69 MiB  2.00 KiB/s\n' +
        'Total: 36.69 MiB, 2 connections now (sampled 2025-08-05 12:00 UTC).\n',
    );
  });

  test('daily asks for today (UTC) when no date is given', async () => {
    const dates: string[] = [];
    const { core } = fakeCore({ traffic: { daily: async (_server, date) => (dates.push(date), live(DAILY)) } });
    const result = await runInProcess(['traffic', 'daily', 'alpha'], { core, now: new Date('2025-08-05T23:59:00-03:00') });
    await runInProcess(['traffic', 'daily', 'alpha', '2025-07-31'], { core });
    assert.deepEqual(dates, ['2025-08-06', '2025-07-31']);
    assert.match(result.stdout, /^DATE \(UTC\) +RX +TX +TOTAL +ACTIVE KEYS +OPENED +AT ONCE \(SUM\)\n2025-08-05 +1\.00 KiB +2\.00 KiB +3\.00 KiB +1 +9 +4\n$/);
  });

  test('daily --keys lists the day’s keys by name, busiest first, and names a key deleted since', async () => {
    const day = (rx: number, tx: number) => ({ total_bytes: rx + tx, rx_bytes: rx, tx_bytes: tx, max_connections: 1, sessions: 2 });
    const report = { date: '2025-08-05', keys: { [ALICE.id]: day(100, 200), [BOB.id]: day(1024, 2048), gone: day(1, 0) } };
    const { core } = fakeCore({
      traffic: { dailyByKey: async (_server, date) => live({ ...report, date }) },
      keys: { list: async () => live([ALICE, BOB]) },
    });
    const result = await runInProcess(['traffic', 'daily', 'alpha', '2025-08-05', '--keys'], { core });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      result.stdout.split('\n').map((line) => line.split(/ {2,}/)[0]?.trim()),
      ['NAME', 'bob', 'alice@example.com', '(deleted key gone)', '2025-08-05 (UTC): 3 keys moved bytes or opened connections.', ''],
    );
    assert.match(result.stdout, /bob +10002 +1\.00 KiB +2\.00 KiB +3\.00 KiB +2 +1\n/);
    const json = await runInProcess(['traffic', 'daily', 'alpha', '2025-08-05', '--keys', '--json'], { core });
    assert.deepEqual(JSON.parse(json.stdout).data, report);
  });

  test('monthly passes --month on and prints the keys', async () => {
    const months: (YearMonth | undefined)[] = [];
    const report: MonthlyReport = {
      year_month: '2025-07', total_keys: 1, active_keys: 1, total_traffic_bytes: 2048, total_rx_bytes: 1024, total_tx_bytes: 1024,
      total_connections: 3, total_sessions: 7, keys: [{ ...identity, monthly_traffic: usage }], total_traffic_formatted: '', total_rx_formatted: '', total_tx_formatted: '',
    };
    const { core } = fakeCore({ traffic: { monthly: async (_server, month) => (months.push(month), live(report)) } });
    const result = await runInProcess(['traffic', 'monthly', 'alpha', '--month', '2025-07'], { core });
    await runInProcess(['traffic', 'monthly', 'alpha'], { core });
    assert.deepEqual(months, [{ year: 2025, month: 7 }, undefined]);
    assert.match(result.stdout, /ACTIVE +RX +TX +TOTAL +OPENED +AT ONCE\n.*alice@example\.com +10001 +yes +1\.00 KiB +1\.00 KiB +2\.00 KiB +7 +3\n2025-07: 1 keys \(1 active\).*, 7 connections opened\.\n$/);
  });

  test('monthly --key resolves the key and shows its days in order', async () => {
    const report: KeyMonthlyReport = {
      ...identity,
      year_month: '2025-08',
      monthly_traffic: usage,
      daily_breakdown: {
        '2025-08-02': { total_bytes: 10, rx_bytes: 4, tx_bytes: 6, max_connections: 1, sessions: 1 },
        '2025-08-01': { total_bytes: 2038, rx_bytes: 1020, tx_bytes: 1018, max_connections: 3, sessions: 6 },
      },
    };
    const { core, calls } = fakeCore({ keys: { list: async () => live([ALICE]) }, traffic: { keyMonthly: async () => live(report) } });
    const result = await runInProcess(['traffic', 'monthly', 'alpha', '--key', ALICE.name], { core });
    assert.deepEqual(calls, ['keys.list', 'traffic.keyMonthly', 'close']);
    assert.match(result.stdout, /: rx 1\.00 KiB, tx 1\.00 KiB, total 2\.00 KiB, 7 connections opened, at most 3 at once\.\n/);
    assert.match(result.stdout, /\n2025-08-01 +1020 B +1018 B +1\.99 KiB +6 +3\n2025-08-02 /);
  });

  test('history from the cache says when it was last synced; --json carries source and syncedAt', async () => {
    const cached = fromCache({
      total_keys: 1, active_keys: 1, total_traffic_bytes: 0, total_rx_bytes: 0, total_tx_bytes: 0,
      keys: [{ ...identity, total_traffic: { total_bytes: 0, rx_bytes: 0, tx_bytes: 0, total_connections: 0, total_formatted: '', rx_formatted: '', tx_formatted: '' } }],
      total_traffic_formatted: '', total_rx_formatted: '', total_tx_formatted: '',
    });
    const { core } = fakeCore({ traffic: { history: async () => cached } });
    const human = await runInProcess(['traffic', 'history', 'alpha'], { core });
    assert.match(human.stdout, /alice@example\.com .* never\n1 keys \(1 active\)/);
    assert.equal(human.stderr, '(offline: from cache, last synced 2025-08-04 18:30 UTC)\n');
    const json = await runInProcess(['traffic', 'history', 'alpha', '--json'], { core });
    const body = JSON.parse(json.stdout);
    assert.equal(body.source, 'cache');
    assert.equal(body.syncedAt, cached.syncedAt);
  });
});
