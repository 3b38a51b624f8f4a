import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DatabaseSync } from 'node:sqlite';
import { CURRENT_DAYS_VIEW } from '../../src/services/store/database.ts';
import { KeyStore } from '../../src/services/store/key-store.ts';
import { EMPTY_TOTALS, TrafficStore, type DayRowTuple, type KeyCycleDelta, type PeriodUsage, type PortBaselineChange } from '../../src/services/store/traffic-store.ts';
import { rowCount, tempDatabase } from './temp-db.ts';

// node:sqlite rows have a null prototype; spread them to compare with plain objects.
const plain = (rows: unknown[]) => rows.map((row) => ({ ...(row as object) }));

const T0 = Date.UTC(2025, 7, 5, 12, 0, 0);

/** A database with keys `a` and `b` and a store over it. */
function setup() {
  const { db } = tempDatabase();
  const keys = new KeyStore(db);
  for (const id of ['a', 'b']) keys.create({ id, name: id, uuid: `uuid-${id}`, createdAtMs: 0 }, { from: 10001, to: 10010 }, () => false);
  return { db, keys, traffic: new TrafficStore(db) };
}

const delta = (keyId: string, values: Partial<Omit<KeyCycleDelta, 'keyId'>>): KeyCycleDelta => ({
  keyId,
  rxBytes: 0,
  txBytes: 0,
  newConnections: 0,
  connections: 0,
  ...values,
});

const usage = (period: PeriodUsage | undefined) =>
  period && { rxBytes: period.rxBytes, txBytes: period.txBytes, maxConnections: period.maxConnections, sessions: period.sessions };

const record = (traffic: TrafficStore, day: string, atMs: number, ...deltas: KeyCycleDelta[]) =>
  traffic.recordCycle({ atMs, day, deltas, baselines: new Map() });

describe('TrafficStore.recordCycle', () => {
  test('adds each cycle to the live and lifetime totals of its key only', () => {
    const { traffic } = setup();
    record(traffic, '2025-08-05', T0, delta('a', { rxBytes: 100, txBytes: 1000, newConnections: 1 }));
    record(traffic, '2025-08-05', T0 + 5000, delta('a', { rxBytes: 20, txBytes: 300, newConnections: 2 }));
    assert.deepEqual(traffic.totals('a'), {
      liveRxBytes: 120,
      liveTxBytes: 1300,
      totalRxBytes: 120,
      totalTxBytes: 1300,
      totalConnections: 3,
      lastActivityMs: T0 + 5000,
    });
    assert.deepEqual(traffic.totals('b'), EMPTY_TOTALS);
  });

  test('adds bytes to the day row of the cycle\'s day', () => {
    const { traffic } = setup();
    record(traffic, '2025-08-05', T0, delta('a', { rxBytes: 100, txBytes: 1000 }));
    record(traffic, '2025-08-05', T0 + 5000, delta('a', { rxBytes: 20, txBytes: 300 }));
    record(traffic, '2025-08-06', T0 + 86_400_000, delta('a', { rxBytes: 7, txBytes: 8 }));
    assert.deepEqual(
      traffic.days('a').map((day) => [day.day, day.rxBytes, day.txBytes]),
      [
        ['2025-08-05', 120, 1300],
        ['2025-08-06', 7, 8],
      ],
    );
  });

  test('keeps the day\'s highest connection count and sums its sessions', () => {
    const { traffic } = setup();
    record(traffic, '2025-08-05', T0, delta('a', { rxBytes: 1, connections: 5, newConnections: 2 }));
    record(traffic, '2025-08-05', T0 + 5000, delta('a', { rxBytes: 1, connections: 3, newConnections: 4 }));
    const [day] = traffic.days('a');
    assert.equal(day?.maxConnections, 5);
    assert.equal(day?.sessions, 6);
  });

  test('a cycle with only open connections raises the day\'s maximum but not the totals', () => {
    const { traffic } = setup();
    record(traffic, '2025-08-05', T0, delta('a', { rxBytes: 10 }));
    record(traffic, '2025-08-05', T0 + 5000, delta('a', { connections: 4 }));
    assert.equal(traffic.days('a')[0]?.maxConnections, 4);
    assert.equal(traffic.totals('a').totalRxBytes, 10);
    assert.equal(traffic.totals('a').lastActivityMs, T0);
  });

  test('new connections without bytes count as sessions but not as activity', () => {
    const { traffic } = setup();
    record(traffic, '2025-08-05', T0, delta('a', { newConnections: 1 }));
    assert.equal(traffic.totals('a').totalConnections, 1);
    assert.equal(traffic.totals('a').lastActivityMs, null);
  });

  test('keeps a raw sample only for cycles that moved bytes', () => {
    const { db, traffic } = setup();
    record(traffic, '2025-08-05', T0, delta('a', { rxBytes: 1 }), delta('b', { newConnections: 1, connections: 1 }));
    assert.deepEqual(traffic.samples('a'), [{ atMs: T0, keyId: 'a', rxBytes: 1, txBytes: 0, connections: 0 }]);
    assert.deepEqual(traffic.samples('b'), []);
    assert.deepEqual(plain(db.prepare('SELECT at_ms, samples FROM traffic_sample_cycles').all()), [{ at_ms: T0, samples: 1 }], 'one row for the cycle');
  });

  test('a cycle\'s samples round-trip through its one row, every key\'s values its own', () => {
    const { db, keys, traffic } = setup();
    const uuid = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    keys.create({ id: uuid, name: 'u', uuid: 'uuid-u', createdAtMs: 0 }, { from: 10001, to: 10010 }, () => false);
    const big = Number.MAX_SAFE_INTEGER;
    record(traffic, '2025-08-05', T0, delta('a', { rxBytes: 1, txBytes: 2, connections: 3 }), delta('b', { rxBytes: big, txBytes: 0 }), delta(uuid, { txBytes: 300, connections: 2 }));
    record(traffic, '2025-08-05', T0 + 5000, delta('a', { rxBytes: 128, txBytes: 16_384 }));
    assert.equal(rowCount(db, 'traffic_sample_cycles'), 2);
    assert.deepEqual(traffic.samples('a'), [
      { atMs: T0, keyId: 'a', rxBytes: 1, txBytes: 2, connections: 3 },
      { atMs: T0 + 5000, keyId: 'a', rxBytes: 128, txBytes: 16_384, connections: 0 },
    ]);
    assert.deepEqual(traffic.samples('b'), [{ atMs: T0, keyId: 'b', rxBytes: big, txBytes: 0, connections: 0 }]);
    assert.deepEqual(traffic.samples(uuid), [{ atMs: T0, keyId: uuid, rxBytes: 0, txBytes: 300, connections: 2 }]);
  });

  test('a cycle for a key deleted meanwhile writes nothing for it and still records the rest', () => {
    const { db, keys, traffic } = setup();
    keys.delete('a');
    assert.doesNotThrow(() =>
      traffic.recordCycle({
        atMs: T0,
        day: '2025-08-05',
        deltas: [delta('a', { rxBytes: 100, newConnections: 1, connections: 1 }), delta('b', { txBytes: 5 })],
        baselines: new Map([['v4:tx:10002', 5]]),
      }),
    );
    assert.deepEqual(traffic.days('a'), []);
    assert.equal(rowCount(db, 'daily_traffic') + rowCount(db, CURRENT_DAYS_VIEW), 1);
    assert.deepEqual(plain(db.prepare('SELECT samples FROM traffic_sample_cycles').all()), [{ samples: 1 }], "b's sample only");
    assert.equal(traffic.samples('b').length, 1);
    assert.equal(rowCount(db, 'key_totals'), 1);
    assert.equal(traffic.totals('b').totalTxBytes, 5);
    assert.equal(traffic.loadBaselines().get('v4:tx:10002'), 5);
  });
});

describe('TrafficStore periods', () => {
  function withMonthOfTraffic() {
    const context = setup();
    const day = (name: string, ...deltas: KeyCycleDelta[]) => record(context.traffic, name, Date.parse(`${name}T12:00:00Z`), ...deltas);
    day('2025-07-31', delta('a', { rxBytes: 1000, txBytes: 1000, newConnections: 9, connections: 9 }));
    day('2025-08-01', delta('a', { rxBytes: 1, txBytes: 10, newConnections: 1, connections: 2 }));
    day('2025-08-15', delta('a', { rxBytes: 2, txBytes: 20, newConnections: 2, connections: 7 }), delta('b', { rxBytes: 5 }));
    day('2025-08-31', delta('a', { rxBytes: 4, txBytes: 40, newConnections: 3, connections: 1 }));
    day('2025-09-01', delta('a', { rxBytes: 1000, txBytes: 1000, newConnections: 9, connections: 9 }));
    return context;
  }

  test('a month is the sum of its days: bytes and sessions add up, connections peak', () => {
    const { traffic } = withMonthOfTraffic();
    const august = traffic.period('2025-08-01', '2025-08-31');
    assert.deepEqual(usage(august.get('a')), { rxBytes: 7, txBytes: 70, maxConnections: 7, sessions: 6 });
    assert.deepEqual(usage(august.get('b')), { rxBytes: 5, txBytes: 0, maxConnections: 0, sessions: 0 });
    assert.deepEqual(usage(traffic.keyPeriod('a', '2025-08-01', '2025-08-31')), usage(august.get('a')));
  });

  test('a period without rows for a key has no entry for it', () => {
    const { traffic } = withMonthOfTraffic();
    assert.equal(traffic.period('2025-06-01', '2025-06-30').size, 0);
    assert.equal(traffic.keyPeriod('b', '2025-09-01', '2025-09-30'), undefined);
  });

  test('days() returns the key\'s rows within the bounds, in order', () => {
    const { traffic } = withMonthOfTraffic();
    assert.deepEqual(
      traffic.days('a', '2025-08-01', '2025-08-31').map((row) => row.day),
      ['2025-08-01', '2025-08-15', '2025-08-31'],
    );
  });

  test('the day summary adds up every key\'s row of that day', () => {
    const { traffic } = withMonthOfTraffic();
    record(traffic, '2025-08-15', Date.parse('2025-08-15T13:00:00Z'), delta('b', { newConnections: 3, connections: 4 }));
    assert.deepEqual(traffic.daySummary('2025-08-15'), {
      rxBytes: 7,
      txBytes: 20,
      totalConnections: 11,
      activeKeys: 2,
      sessions: 5,
    });
  });

  test('a key with only open connections that day is not counted as active', () => {
    const { traffic } = setup();
    record(traffic, '2025-08-05', T0, delta('a', { connections: 3 }), delta('b', { rxBytes: 1 }));
    assert.equal(traffic.daySummary('2025-08-05').activeKeys, 1);
  });

  test('the summary of a day without traffic is all zeros', () => {
    const { traffic } = withMonthOfTraffic();
    assert.deepEqual(traffic.daySummary('2025-08-02'), { rxBytes: 0, txBytes: 0, totalConnections: 0, activeKeys: 0, sessions: 0 });
  });
});

describe('TrafficStore: the current day\'s rows on key_totals', () => {
  const daysOf = (key: { daysJson: string }) => JSON.parse(key.daysJson) as DayRowTuple[];
  const dayRows = (db: DatabaseSync, table: string) =>
    plain(db.prepare(`SELECT key_id, day, rx_bytes, max_connections, sessions FROM ${table} ORDER BY key_id, day`).all());

  test('cycles write the day onto key_totals; the first cycle of the next day adds it to daily_traffic, every reader seeing both', () => {
    const { db, traffic } = setup();
    record(traffic, '2025-08-05', T0, delta('a', { rxBytes: 10, connections: 3, newConnections: 1 }), delta('b', { rxBytes: 1 }));
    record(traffic, '2025-08-05', T0 + 5000, delta('a', { rxBytes: 5, connections: 1, newConnections: 1 }));
    assert.equal(rowCount(db, 'daily_traffic'), 0);
    assert.deepEqual(dayRows(db, CURRENT_DAYS_VIEW), [
      { key_id: 'a', day: '2025-08-05', rx_bytes: 15, max_connections: 3, sessions: 2 },
      { key_id: 'b', day: '2025-08-05', rx_bytes: 1, max_connections: 0, sessions: 0 },
    ]);
    record(traffic, '2025-08-06', T0 + 86_400_000, delta('a', { rxBytes: 7 }));
    assert.deepEqual(dayRows(db, 'daily_traffic'), [
      { key_id: 'a', day: '2025-08-05', rx_bytes: 15, max_connections: 3, sessions: 2 },
      { key_id: 'b', day: '2025-08-05', rx_bytes: 1, max_connections: 0, sessions: 0 },
    ]);
    assert.deepEqual(dayRows(db, CURRENT_DAYS_VIEW), [{ key_id: 'a', day: '2025-08-06', rx_bytes: 7, max_connections: 0, sessions: 0 }]);
    assert.deepEqual(traffic.days('a').map((row) => [row.day, row.rxBytes]), [['2025-08-05', 15], ['2025-08-06', 7]]);
    assert.deepEqual(usage(traffic.period('2025-08-01', '2025-08-31').get('a')), { rxBytes: 22, txBytes: 0, maxConnections: 3, sessions: 2 });
    assert.deepEqual(usage(traffic.keyPeriod('a', '2025-08-01', '2025-08-31')), { rxBytes: 22, txBytes: 0, maxConnections: 3, sessions: 2 });
    assert.equal(traffic.daySummary('2025-08-06').rxBytes, 7);
    assert.equal(traffic.daySummary('2025-08-05').activeKeys, 2);
    const page = traffic.daysSince('2025-08-01', null, 10);
    assert.deepEqual(page.keys.map((key) => [key.keyId, daysOf(key).map((day) => day[0])]), [['a', ['2025-08-05', '2025-08-06']], ['b', ['2025-08-05']]]);
  });

  test('daysSince pages through the days and the current ones in (key, day) order, each row once', () => {
    const { traffic } = setup();
    for (const [index, day] of ['2025-08-01', '2025-08-02', '2025-08-03'].entries()) {
      record(traffic, day, Date.parse(`${day}T12:00:00Z`), delta('a', { rxBytes: index + 1 }), delta('b', { rxBytes: 10 * (index + 1) }));
    }
    const seen: string[] = [];
    let after: { keyId: string; day: string } | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const page = traffic.daysSince('2025-08-02', after, 1);
      for (const key of page.keys) for (const [day, rx] of daysOf(key)) seen.push(`${key.keyId} ${day} ${rx}`);
      if (!page.last) break;
      after = page.last;
    }
    assert.deepEqual(seen, ['a 2025-08-02 2', 'a 2025-08-03 3', 'b 2025-08-02 20', 'b 2025-08-03 30']);
  });

  test('a day already in daily_traffic (the clock went back; a database from before) is added to there, never a second row', () => {
    const { db, traffic } = setup();
    db.exec("INSERT INTO daily_traffic (key_id, day, rx_bytes) VALUES ('a', '2025-08-05', 100)");
    record(traffic, '2025-08-05', T0, delta('a', { rxBytes: 5 }), delta('b', { rxBytes: 1 }));
    record(traffic, '2025-08-06', T0 + 86_400_000, delta('a', { rxBytes: 1 }));
    record(traffic, '2025-08-05', T0 + 10_000, delta('a', { rxBytes: 2 }));
    assert.deepEqual(traffic.days('a').map((row) => [row.day, row.rxBytes]), [['2025-08-05', 107], ['2025-08-06', 1]]);
    assert.equal(rowCount(db, 'daily_traffic') + rowCount(db, CURRENT_DAYS_VIEW), 3, 'a (key, day) in one table only');
  });

  test('a history reset, a key\'s deletion and cleanup reach today\'s rows too', () => {
    const { db, keys, traffic } = setup();
    record(traffic, '2025-08-04', T0 - 86_400_000, delta('a', { rxBytes: 1 }), delta('b', { rxBytes: 1 }));
    record(traffic, '2025-08-05', T0, delta('a', { rxBytes: 1 }), delta('b', { rxBytes: 1 }));
    traffic.resetHistory('a');
    assert.deepEqual(traffic.days('a'), []);
    keys.delete('b');
    assert.equal(rowCount(db, 'daily_traffic') + rowCount(db, CURRENT_DAYS_VIEW), 0);
    record(traffic, '2025-08-05', T0, delta('a', { rxBytes: 1 }));
    // Cleanup counts the per-key samples of the cycle rows it deletes, those a reset or a deletion hid included.
    assert.deepEqual(traffic.cleanup('2025-08-06', T0 - 1), { days: 1, samples: 2 });
  });
});

describe('TrafficStore: the day change with the current day on key_totals', () => {
  const D1 = '2025-08-05';
  const D2 = '2025-08-06';
  const everyReader = (traffic: TrafficStore) => ({
    days: traffic.days('a').map((row) => [row.day, row.rxBytes, row.maxConnections, row.sessions]),
    month: usage(traffic.keyPeriod('a', '2025-08-01', '2025-08-31')),
    all: usage(traffic.period('2025-08-01', '2025-08-31').get('a')),
    summaries: [traffic.daySummary(D1).rxBytes, traffic.daySummary(D2).rxBytes],
    bulk: traffic.daysSince('2025-08-01', null, 100).keys.filter((key) => key.keyId === 'a').map((key) => key.daysJson),
    total: traffic.totals('a').totalRxBytes,
  });
  const expected = {
    days: [[D1, 15, 3, 2], [D2, 7, 1, 1]],
    month: { rxBytes: 22, txBytes: 0, maxConnections: 3, sessions: 3 },
    all: { rxBytes: 22, txBytes: 0, maxConnections: 3, sessions: 3 },
    summaries: [15, 7],
    bulk: [JSON.stringify([[D1, 15, 0, 3, 2], [D2, 7, 0, 1, 1]])],
    total: 22,
  };

  test('a restart mid-day goes on adding to the same row; the next day\'s first cycle moves it into daily_traffic; every reader sees each byte once', () => {
    const { db } = setup();
    record(new TrafficStore(db), D1, T0, delta('a', { rxBytes: 10, connections: 3, newConnections: 1 }));
    // A new store over the same database: the agent after a restart, or a kill -9 between cycles.
    const restarted = new TrafficStore(db);
    record(restarted, D1, T0 + 5000, delta('a', { rxBytes: 5, connections: 1, newConnections: 1 }));
    assert.equal(rowCount(db, 'daily_traffic'), 0);
    record(restarted, D2, T0 + 86_400_000, delta('a', { rxBytes: 7, connections: 1, newConnections: 1 }));
    assert.deepEqual(everyReader(restarted), expected);
    assert.deepEqual(plain(db.prepare('SELECT key_id, day, rx_bytes FROM daily_traffic').all()), [{ key_id: 'a', day: D1, rx_bytes: 15 }]);
    assert.deepEqual(everyReader(new TrafficStore(db)), expected, 'the same after another restart');
  });

  test('a first cycle of the day that fails leaves the day before where it was, and the next one moves it', () => {
    const { db, traffic } = setup();
    record(traffic, D1, T0, delta('a', { rxBytes: 10, connections: 3, newConnections: 1 }), delta('b', { rxBytes: 1 }));
    record(traffic, D1, T0 + 5000, delta('a', { rxBytes: 5, connections: 1, newConnections: 1 }));
    // A count that is no whole number fails the samples' encoding, after the fold and the updates.
    assert.throws(() => record(traffic, D2, T0 + 86_400_000, delta('a', { rxBytes: 0.5 })), RangeError);
    assert.equal(rowCount(db, 'daily_traffic'), 0, 'the fold rolled back with the cycle');
    assert.deepEqual(traffic.days('a').map((row) => [row.day, row.rxBytes]), [[D1, 15]]);
    record(traffic, D2, T0 + 86_400_000, delta('a', { rxBytes: 7, connections: 1, newConnections: 1 }));
    assert.deepEqual(everyReader(traffic), { ...expected, summaries: [16, 7] });
    assert.deepEqual(traffic.days('b').map((row) => [row.day, row.rxBytes]), [[D1, 1]]);
  });

  test('a key\'s row of another day written after the store\'s fold (as a restore writes it) is moved by its next cycle', () => {
    const { db, traffic } = setup();
    record(traffic, D2, T0 + 86_400_000, delta('b', { rxBytes: 1 }));
    db.exec(`UPDATE key_totals SET total_rx_bytes = 15, day = '${D1}', day_rx_bytes = 15, day_max_connections = 3, day_sessions = 2 WHERE key_id = 'a'`);
    record(traffic, D2, T0 + 86_400_000 + 5000, delta('a', { rxBytes: 7, connections: 1, newConnections: 1 }));
    assert.deepEqual(everyReader(traffic), { ...expected, summaries: [15, 8] });
    assert.deepEqual(plain(db.prepare('SELECT key_id, day FROM daily_traffic').all()), [{ key_id: 'a', day: D1 }]);
  });
});

describe('TrafficStore resets and cleanup', () => {
  function withTraffic() {
    const context = setup();
    record(context.traffic, '2025-08-05', T0, delta('a', { rxBytes: 100, txBytes: 200, newConnections: 3, connections: 1 }));
    record(context.traffic, '2025-08-05', T0, delta('b', { rxBytes: 1, txBytes: 2 }));
    return context;
  }

  test('resetLive zeroes the live counters and leaves history alone', () => {
    const { traffic } = withTraffic();
    const daysBefore = traffic.days('a');
    traffic.resetLive('a');
    assert.deepEqual(traffic.totals('a'), {
      liveRxBytes: 0,
      liveTxBytes: 0,
      totalRxBytes: 100,
      totalTxBytes: 200,
      totalConnections: 3,
      lastActivityMs: T0,
    });
    assert.deepEqual(traffic.days('a'), daysBefore);
    assert.equal(traffic.totals('b').liveRxBytes, 1);
  });

  test('resetHistory clears lifetime totals, days and samples and leaves live counters', () => {
    const { db, traffic } = withTraffic();
    traffic.resetHistory('a');
    const totals = traffic.totals('a');
    assert.deepEqual([totals.liveRxBytes, totals.liveTxBytes], [100, 200]);
    assert.deepEqual([totals.totalRxBytes, totals.totalTxBytes, totals.totalConnections], [0, 0, 0]);
    assert.deepEqual(traffic.days('a'), []);
    assert.deepEqual(traffic.samples('a'), [], "a's samples are not its own any more");
    assert.equal(traffic.samples('b').length, 1, "b's sample stays");
    assert.equal(traffic.days('b').length, 1);
    record(traffic, '2025-08-05', T0 + 5000, delta('a', { rxBytes: 7 }));
    assert.deepEqual(traffic.samples('a').map((sample) => sample.rxBytes), [7], 'samples after the reset are its own');
    assert.equal(rowCount(db, 'traffic_sample_cycles'), 3, 'no packed row was rewritten');
  });

  test('a deleted key\'s samples are unreadable, even in a cycle it shares with others', () => {
    const { keys, traffic } = setup();
    record(traffic, '2025-08-05', T0, delta('a', { rxBytes: 1 }), delta('b', { rxBytes: 2 }));
    keys.delete('a');
    assert.deepEqual(traffic.samples('a'), []);
    assert.deepEqual(traffic.samples('b').map((sample) => sample.rxBytes), [2]);
  });

  test('cleanup deletes days before the cut and samples before the cut time, nothing later', () => {
    const { traffic } = setup();
    for (const [day, atMs] of [
      ['2025-08-04', T0 - 86_400_000],
      ['2025-08-05', T0],
      ['2025-08-06', T0 + 86_400_000],
    ] as const) {
      record(traffic, day, atMs, delta('a', { rxBytes: 1 }));
    }
    assert.deepEqual(traffic.cleanup('2025-08-05', T0), { days: 1, samples: 1 });
    assert.deepEqual(
      traffic.days('a').map((row) => row.day),
      ['2025-08-05', '2025-08-06'],
    );
    assert.deepEqual(traffic.cleanup('2025-08-05', T0), { days: 0, samples: 0 });
  });

  test('cleanup counts every per-key sample of the cycles it deletes, the cycle at the cut kept', () => {
    const { traffic } = setup();
    record(traffic, '2025-08-04', T0 - 10_000, delta('a', { rxBytes: 1 }), delta('b', { rxBytes: 1 }));
    record(traffic, '2025-08-04', T0 - 5000, delta('a', { rxBytes: 1 }));
    record(traffic, '2025-08-05', T0, delta('a', { rxBytes: 1 }), delta('b', { txBytes: 1 }));
    assert.deepEqual(traffic.cleanup('2025-08-01', T0), { days: 0, samples: 3 });
    assert.deepEqual(traffic.samples('a').map((sample) => sample.atMs), [T0]);
    assert.equal(traffic.samples('b').length, 1);
    traffic.pruneSamples(T0 + 1);
    assert.deepEqual([traffic.samples('a'), traffic.samples('b')], [[], []]);
  });
});

describe('TrafficStore baselines', () => {
  test('round-trip through the database, later values replacing earlier ones', () => {
    const { db, traffic } = setup();
    traffic.recordCycle({ atMs: T0, day: '2025-08-05', deltas: [], baselines: new Map([['v4:rx:10001', 10], ['v6:tx:10001', 20]]) });
    traffic.recordCycle({ atMs: T0, day: '2025-08-05', deltas: [], baselines: new Map([['v4:rx:10001', 15]]) });
    const expected = new Map([['v4:rx:10001', 15], ['v6:tx:10001', 20]]);
    assert.deepEqual(traffic.loadBaselines(), expected);
    assert.deepEqual(new TrafficStore(db).loadBaselines(), expected);
  });

  test('forgetBaselines removes the counters named and no other', () => {
    const { traffic } = setup();
    const ids = ['ipset:rx:1000', 'ipset:tx:1000', 'ipset:syn:1000', 'ipset:rx:11000', 'ipset:rx:10000', 'v6:tx:100'];
    traffic.recordCycle({ atMs: T0, day: '2025-08-05', deltas: [], baselines: new Map(ids.map((id, index) => [id, index + 1])) });
    traffic.forgetBaselines(['ipset:rx:1000', 'ipset:tx:1000', 'ipset:syn:1000']);
    assert.deepEqual([...traffic.loadBaselines().keys()].sort(), ['ipset:rx:10000', 'ipset:rx:11000', 'v6:tx:100']);
  });

  test('ipset baselines round-trip through blocks of ports, a counter that did not change keeping its value', () => {
    const { db, traffic } = setup();
    traffic.recordCycle({ atMs: T0, day: '2025-08-05', deltas: [], baselines: new Map([['ipset:rx:10001', 10], ['ipset:tx:10001', 20], ['ipset:syn:10002', 3]]) });
    traffic.recordCycle({ atMs: T0, day: '2025-08-05', deltas: [], baselines: new Map([['ipset:tx:10001', 25], ['ipset:rx:10002', 7]]) });
    const expected = new Map([['ipset:rx:10001', 10], ['ipset:tx:10001', 25], ['ipset:syn:10002', 3], ['ipset:rx:10002', 7]]);
    assert.deepEqual(new Map([...new TrafficStore(db).loadBaselines()].sort()), new Map([...expected].sort()));
    assert.equal(rowCount(db, 'counter_baselines'), 0, 'no ipset id as a text row');
    traffic.forgetBaselines(['ipset:rx:10002', 'ipset:syn:10002', 'ipset:syn:10001']);
    assert.deepEqual(new TrafficStore(db).loadBaselines(), new Map([['ipset:rx:10001', 10], ['ipset:tx:10001', 25]]));
    traffic.forgetBaselines(['ipset:rx:10001', 'ipset:tx:10001']);
    assert.equal(rowCount(db, 'port_baseline_blocks'), 0, 'a block with no counter left has no row');
  });

  test('the ports of a cycle land in their blocks, from port 0 to 65535, whatever the order they come in', () => {
    const { db, traffic } = setup();
    const ports = [0, 1, 127, 128, 255, 10001, 10050, 10127, 10128, 65535];
    const change = (port: number, step: number): PortBaselineChange => [port, port * 3 + step, step === 0 ? port * 3 + 1 : null, Number.MAX_SAFE_INTEGER - port];
    traffic.recordCycle({ atMs: T0, day: '2025-08-05', deltas: [], baselines: new Map(), portBaselines: ports.map((port) => change(port, 0)) });
    traffic.recordCycle({ atMs: T0, day: '2025-08-05', deltas: [], baselines: new Map(), portBaselines: [...ports].reverse().map((port) => change(port, 1)) });
    const expected = ports.flatMap((port) => [[`ipset:rx:${port}`, port * 3 + 1], [`ipset:tx:${port}`, port * 3 + 1], [`ipset:syn:${port}`, Number.MAX_SAFE_INTEGER - port]] as const);
    const byId = (baselines: Map<string, number>) => new Map([...baselines].sort(([a], [b]) => (a < b ? -1 : 1)));
    assert.deepEqual(byId(new TrafficStore(db).loadBaselines()), byId(new Map(expected)));
    assert.deepEqual(plain(db.prepare('SELECT first_port FROM port_baseline_blocks ORDER BY first_port').all()).map((row) => (row as { first_port: number }).first_port), [0, 128, 9984, 10112, 65408]);
  });

  test('forgetRetiredBaselines removes the ids of the iptables chains and the nftables table, not ipset ones', () => {
    const { traffic } = setup();
    const ids = ['v4:rx:1000', 'v6:tx:1000', 'rx:1000', 'tx:1000', 'syn:1000', 'ipset:rx:1000', 'ipset:syn:1000'];
    traffic.recordCycle({ atMs: T0, day: '2025-08-05', deltas: [], baselines: new Map(ids.map((id, index) => [id, index + 1])) });
    traffic.forgetRetiredBaselines();
    assert.deepEqual([...traffic.loadBaselines().keys()].sort(), ['ipset:rx:1000', 'ipset:syn:1000']);
  });
});
