import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LimitTracker } from '../../src/services/limits/limit-tracker.ts';
import { openDatabase } from '../../src/services/store/database.ts';
import { KeyStore, NO_LIMITS, type KeyLimits } from '../../src/services/store/key-store.ts';
import { TrafficStore } from '../../src/services/store/traffic-store.ts';
import { utcDay } from '../../src/api/calendar.ts';
import { tempDatabase } from './temp-db.ts';

const utc = (text: string) => Date.parse(`${text}Z`);
const RANGE = { from: 10001, to: 10100 };

/** A key store, traffic store and tracker over one real database, keys made with `limits` at `createdAtMs`. */
function setup() {
  const { db, path } = tempDatabase();
  const keys = new KeyStore(db);
  const traffic = new TrafficStore(db);
  const tracker = new LimitTracker(keys);
  const create = (id: string, limits: Partial<KeyLimits>, createdAtMs: number) => {
    const key = keys.create({ id, name: id, uuid: `uuid-${id}`, createdAtMs, limits: { ...NO_LIMITS, ...limits } }, RANGE, () => false);
    tracker.track(key);
    return key;
  };
  /** One sampling cycle at `atMs` that moved `bytes` (half each way) through each key named. */
  const cycle = (atMs: number, bytes: Record<string, number>) => {
    const deltas = Object.entries(bytes).map(([keyId, total]) => ({ keyId, rxBytes: total / 2, txBytes: total / 2, newConnections: 1, connections: 1 }));
    traffic.recordCycle({ atMs, day: utcDay(atMs), deltas, baselines: new Map() });
    return tracker.afterCycle(atMs, deltas).map((key) => `${key.id}:${key.limitStatus}`);
  };
  return { db, path, keys, traffic, tracker, create, cycle };
}

describe('LimitTracker', () => {
  test('bytes add up to the quota: the cycle that reaches it limits the key, and only that cycle reports it', () => {
    const { keys, tracker, create, cycle } = setup();
    create('q', { dataLimitBytes: 1000 }, utc('2027-01-15T10:00:00'));
    create('free', {}, utc('2027-01-15T10:00:00'));
    assert.deepEqual(cycle(utc('2027-01-15T10:00:10'), { q: 600, free: 5000 }), []);
    assert.equal(tracker.usedBytes('q'), 600);
    assert.equal(tracker.usedBytes('free'), 0, 'no quota, no period counter');
    assert.deepEqual(cycle(utc('2027-01-15T10:00:20'), { q: 400 }), ['q:limited']);
    assert.deepEqual(cycle(utc('2027-01-15T10:00:30'), { q: 10 }), [], 'still limited: nothing to do');
    assert.equal(keys.get('q')!.limitStatus, 'limited');
  });

  test('verdicts, periods and bytes are in the database: a new store and tracker (a restart) start from them', () => {
    const { db, path, create, cycle } = setup();
    create('q', { dataLimitBytes: 1000, dataLimitReset: 'day' }, utc('2027-01-15T10:00:00'));
    cycle(utc('2027-01-15T10:00:10'), { q: 1200 });
    db.close();
    const reopened = openDatabase(path);
    try {
      const keys = new KeyStore(reopened);
      const tracker = new LimitTracker(keys);
      assert.deepEqual(tracker.evaluateAll(utc('2027-01-15T11:00:00')), [], 'same day: nothing changes');
      assert.equal(keys.get('q')!.limitStatus, 'limited');
      assert.equal(tracker.usedBytes('q'), 1200);
      // Down for three days: the period is the one holding now, not the next one after the old.
      const served = tracker.evaluateAll(utc('2027-01-18T09:00:00'));
      assert.deepEqual(served.map((key) => [key.id, key.limitStatus, new Date(key.periodStartedAtMs!).toISOString()]), [['q', 'active', '2027-01-18T00:00:00.000Z']]);
      assert.equal(tracker.usedBytes('q'), 0);
      assert.equal(new KeyStore(reopened).periodUsedBytes().get('q'), 0);
    } finally {
      reopened.close();
    }
  });

  test('a period ending never touches history; the live and history resets never touch used bytes', () => {
    const { traffic, tracker, create, cycle } = setup();
    create('q', { dataLimitBytes: 10_000, dataLimitReset: 'month' }, utc('2027-01-30T10:00:00'));
    cycle(utc('2027-01-31T23:59:50'), { q: 3000 });
    traffic.resetLive('q');
    traffic.resetHistory('q');
    assert.equal(tracker.usedBytes('q'), 3000);
    cycle(utc('2027-01-31T23:59:55'), { q: 2000 });
    assert.equal(tracker.usedBytes('q'), 5000);
    cycle(utc('2027-02-01T00:00:05'), { q: 1000 });
    assert.equal(tracker.usedBytes('q'), 0, 'the cycle that crosses the boundary counts to the period ending');
    const totals = traffic.totals('q');
    assert.equal(totals.totalRxBytes + totals.totalTxBytes, 3000, 'history since its reset stays');
    assert.deepEqual(traffic.days('q').map((day) => [day.day, day.rxBytes + day.txBytes]), [['2027-01-31', 2000], ['2027-02-01', 1000]]);
  });

  test('expiry is judged by the clock, before the quota; no bytes needed', () => {
    const { create, cycle } = setup();
    create('e', { expiresAtMs: utc('2027-03-01T00:00:00'), dataLimitBytes: 0 }, utc('2027-02-01T00:00:00'));
    assert.deepEqual(cycle(utc('2027-02-28T23:59:59'), {}), ['e:limited']);
    assert.deepEqual(cycle(utc('2027-03-01T00:00:00'), {}).length, 0, 'limited to expired: not served either way');
  });

  test('new limits: a new value keeps the period, a new reset or a first quota starts one, no quota ends it', () => {
    const { db, keys, tracker, create, cycle } = setup();
    const startMs = utc('2027-05-10T08:00:00');
    create('k', { dataLimitBytes: 1000, dataLimitReset: 'week' }, startMs);
    cycle(startMs + 10_000, { k: 1500 });
    const at = startMs + 3600_000;
    const raised = tracker.save([tracker.withLimits(keys.get('k')!, { dataLimitBytes: 2000 }, at)])[0]!;
    assert.deepEqual([raised.limitStatus, raised.periodStartedAtMs, tracker.usedBytes('k')], ['active', startMs, 1500]);
    const rereset = tracker.save([tracker.withLimits(raised, { dataLimitReset: 'day' }, at)])[0]!;
    assert.deepEqual([rereset.periodStartedAtMs, tracker.usedBytes('k')], [at, 0]);
    const none = tracker.save([tracker.withLimits(rereset, { dataLimitBytes: null }, at)])[0]!;
    assert.deepEqual([none.periodStartedAtMs, none.limitStatus, tracker.usedBytes('k')], [null, 'active', 0]);
    const again = tracker.save([tracker.withLimits(none, { dataLimitBytes: 10, note: 'n' }, at + 1)])[0]!;
    assert.deepEqual([again.periodStartedAtMs, again.note, again.dataLimitReset], [at + 1, 'n', 'day']);
    const stored = new KeyStore(db).get('k')!;
    assert.deepEqual([stored.dataLimitBytes, stored.periodStartedAtMs, stored.note], [10, at + 1, 'n'], 'as stored');
  });
});

describe('the limits migration', () => {
  test('a database from before limits opens with every key unlimited: no quota, no_reset, no expiry, no note', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'keyport-old-db-')), 'agent.db');
    const old = new DatabaseSync(path);
    old.exec(`
      CREATE TABLE keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, uuid TEXT NOT NULL UNIQUE, port INTEGER NOT NULL UNIQUE,
                         is_active INTEGER NOT NULL DEFAULT 1, created_at_ms INTEGER NOT NULL);
      CREATE TABLE key_totals (key_id TEXT PRIMARY KEY REFERENCES keys(id) ON DELETE CASCADE,
                               live_rx_bytes INTEGER NOT NULL DEFAULT 0, live_tx_bytes INTEGER NOT NULL DEFAULT 0,
                               total_rx_bytes INTEGER NOT NULL DEFAULT 0, total_tx_bytes INTEGER NOT NULL DEFAULT 0,
                               total_connections INTEGER NOT NULL DEFAULT 0, last_activity_ms INTEGER);
      INSERT INTO keys (id, name, uuid, port, is_active, created_at_ms) VALUES ('old', 'old', 'uuid-old', 10001, 0, 5);
      INSERT INTO key_totals (key_id, total_rx_bytes) VALUES ('old', 777);`);
    old.close();
    const db = openDatabase(path);
    try {
      const key = new KeyStore(db).get('old')!;
      assert.deepEqual(
        [key.dataLimitBytes, key.dataLimitReset, key.expiresAtMs, key.note, key.periodStartedAtMs, key.limitStatus, key.isActive],
        [null, 'no_reset', null, '', null, 'active', false],
      );
      assert.equal(new TrafficStore(db).totals('old').totalRxBytes, 777);
    } finally {
      db.close();
    }
  });
});

describe('LimitTracker.nextCheckAtMs', () => {
  test('the moment a key moving bytes reaches its quota at the last cycle’s rate, or the first expiry or period start ahead', () => {
    const { tracker, create, cycle } = setup();
    const t0 = utc('2027-01-15T10:00:00');
    create('fast', { dataLimitBytes: 100_000 }, t0);
    create('slow', { dataLimitBytes: 100_000 }, t0);
    cycle(t0 + 10_000, {});
    // 10,000 bytes in 10 s: 90,000 left, reached in 90 s (checked 5 % and 50 ms after); the other, 1,000 in 10 s, in 990 s.
    cycle(t0 + 20_000, { fast: 10_000, slow: 1000 });
    assert.equal(tracker.nextCheckAtMs, t0 + 20_000 + 90_000 * 1.05 + 50);
    create('expiring', { expiresAtMs: t0 + 50_000 }, t0);
    cycle(t0 + 30_000, {});
    assert.equal(tracker.nextCheckAtMs, t0 + 50_000, 'no bytes this cycle: the expiry');
    create('daily', { dataLimitBytes: 5, dataLimitReset: 'day' }, t0);
    cycle(t0 + 60_000, {});
    assert.equal(tracker.nextCheckAtMs, utc('2027-01-16T00:00:00'), 'past the expiry: the next day');
  });
});
