import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { DatabaseSync } from 'node:sqlite';
import { DatabaseDamagedError, inTransaction, openDatabase } from '../../src/services/store/database.ts';
import { TrafficStore } from '../../src/services/store/traffic-store.ts';
import { isDiskFull } from '../../src/lib/disk-full.ts';
import { damagePage } from '../../../test-support/damage-page.ts';
import { suiteDir } from '../../../test-support/suite-fixture.ts';
import { toTodayTrafficShape } from './today-traffic-shape.ts';

const count = (db: DatabaseSync, table: string) => Number(db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get()!.n);
// node:sqlite rows have a null prototype; spread them to compare with plain objects.
const plain = (rows: unknown[]) => rows.map((row) => ({ ...(row as object) }));

describe('openDatabase', () => {
  const dir = suiteDir('keyport-db-');

  test('uses WAL and enforces foreign keys', () => {
    const db = openDatabase(join(dir, 'pragmas.db'));
    assert.equal(db.prepare('PRAGMA journal_mode').get()!.journal_mode, 'wal');
    assert.equal(db.prepare('PRAGMA foreign_keys').get()!.foreign_keys, 1);
    db.close();
  });

  test('can be opened again over an existing file, keeping its rows', () => {
    const path = join(dir, 'reopen.db');
    const first = openDatabase(path);
    first.prepare("INSERT INTO keys (id, name, uuid, port, created_at_ms) VALUES ('k', 'n', 'u', 10001, 0)").run();
    first.close();
    const second = openDatabase(path);
    assert.deepEqual(plain(second.prepare('SELECT id, port FROM keys').all()), [{ id: 'k', port: 10001 }]);
    second.close();
  });

  test('deleting a key deletes its totals and daily rows with it', () => {
    const db = openDatabase(join(dir, 'cascade.db'));
    db.exec(`
      INSERT INTO keys (id, name, uuid, port, created_at_ms) VALUES ('k', 'n', 'u', 10001, 0);
      INSERT INTO key_totals (key_id) VALUES ('k');
      INSERT INTO daily_traffic (key_id, day) VALUES ('k', '2025-08-05');`);
    db.exec("DELETE FROM keys WHERE id = 'k'");
    assert.equal(count(db, 'key_totals'), 0);
    assert.equal(count(db, 'daily_traffic'), 0);
    db.close();
  });
});

const sorted = (baselines: Map<string, number>) => new Map([...baselines].sort(([a], [b]) => (a < b ? -1 : 1)));

describe('openDatabase on a database from before port_baselines', () => {
  const dir = suiteDir('keyport-db-');

  test('packs the ipset baselines into blocks, every value kept, other ids left where they are', () => {
    const path = join(dir, 'old-baselines.db');
    const old = openDatabase(path);
    // The shape before: no table of port baselines, every baseline a counter_baselines row.
    old.exec('DROP TABLE port_baseline_blocks');
    old.exec(`INSERT INTO counter_baselines VALUES
      ('ipset:rx:10001', 11), ('ipset:tx:10001', 12), ('ipset:syn:10001', 13),
      ('ipset:rx:10002', 21), ('ipset:syn:65535', 9007199254740991), ('v4:rx:10001', 5), ('rx:10003', 6)`);
    old.close();

    const db = openDatabase(path);
    assert.deepEqual(sorted(new TrafficStore(db).loadBaselines()), sorted(new Map([
      ['ipset:rx:10001', 11], ['ipset:tx:10001', 12], ['ipset:syn:10001', 13], ['ipset:rx:10002', 21],
      ['ipset:syn:65535', 9007199254740991], ['v4:rx:10001', 5], ['rx:10003', 6],
    ])));
    assert.deepEqual(plain(db.prepare('SELECT first_port FROM port_baseline_blocks ORDER BY first_port').all()), [{ first_port: 9984 }, { first_port: 65408 }]);
    assert.deepEqual(plain(db.prepare('SELECT * FROM counter_baselines ORDER BY counter_id').all()), [
      { counter_id: 'rx:10003', value: 6 },
      { counter_id: 'v4:rx:10001', value: 5 },
    ]);
    db.close();
    const again = openDatabase(path);
    assert.equal(count(again, 'port_baseline_blocks'), 2, 'opening again moves nothing twice');
    assert.equal(count(again, 'counter_baselines'), 2);
    again.close();
  });
});

describe('openDatabase on a database with a port_baselines row per port', () => {
  const dir = suiteDir('keyport-db-');

  test('packs the rows into blocks over what a block holds, an ipset id of counter_baselines over a row, and drops the table', () => {
    const path = join(dir, 'row-baselines.db');
    const old = openDatabase(path);
    new TrafficStore(old).recordCycle({ atMs: 0, day: '2025-08-05', deltas: [], baselines: new Map([['ipset:rx:10001', 1], ['ipset:tx:10050', 2]]) });
    old.exec(`CREATE TABLE port_baselines (port INTEGER PRIMARY KEY, rx INTEGER, tx INTEGER, syn INTEGER);
      INSERT INTO port_baselines VALUES (10001, 100, NULL, 300), (10002, NULL, 7, NULL), (1, 9007199254740991, NULL, NULL);
      INSERT INTO counter_baselines VALUES ('ipset:syn:10001', 333), ('v6:tx:10001', 4);`);
    old.close();

    const db = openDatabase(path);
    assert.deepEqual(sorted(new TrafficStore(db).loadBaselines()), sorted(new Map([
      ['ipset:rx:10001', 100], ['ipset:syn:10001', 333], ['ipset:tx:10050', 2], ['ipset:tx:10002', 7],
      ['ipset:rx:1', 9007199254740991], ['v6:tx:10001', 4],
    ])));
    assert.equal(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'port_baselines'").get(), undefined);
    assert.deepEqual(plain(db.prepare('SELECT * FROM counter_baselines').all()), [{ counter_id: 'v6:tx:10001', value: 4 }]);
    db.close();
  });
});

describe('openDatabase on a database from before traffic_sample_cycles', () => {
  const dir = suiteDir('keyport-db-');
  const T0 = Date.UTC(2025, 7, 5, 12, 0, 0);
  const tables = (db: DatabaseSync) => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((row) => row.name);

  /** The shape before: a traffic_samples row per key and cycle, no packed rows, no cutoff column. */
  function oldDatabase(name: string): string {
    const path = join(dir, name);
    const old = openDatabase(path);
    old.exec(`
      DROP TABLE traffic_sample_cycles;
      ALTER TABLE key_totals DROP COLUMN samples_through_cycle;
      CREATE TABLE traffic_samples (
        key_id      TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
        at_ms       INTEGER NOT NULL,
        rx_bytes    INTEGER NOT NULL,
        tx_bytes    INTEGER NOT NULL,
        connections INTEGER NOT NULL
      );
      CREATE INDEX traffic_samples_by_time ON traffic_samples(at_ms);
      CREATE INDEX traffic_samples_by_key ON traffic_samples(key_id, at_ms);
      INSERT INTO keys (id, name, uuid, port, created_at_ms) VALUES ('a', 'a', 'uuid-a', 10001, 0), ('b', 'b', 'uuid-b', 10002, 0);
      INSERT INTO key_totals (key_id) VALUES ('a'), ('b');
      INSERT INTO traffic_samples VALUES ('a', ${T0 - 10_000}, 1, 2, 1), ('b', ${T0 - 10_000}, 3, 4, 0), ('a', ${T0}, 5, 6, 2);`);
    old.close();
    return path;
  }

  test('keeps the old sample rows readable beside the packed ones, counts them at cleanup, and drops the table once they aged out', () => {
    const db = openDatabase(oldDatabase('old-samples.db'));
    const traffic = new TrafficStore(db);
    assert.equal(count(db, 'traffic_samples'), 3, 'nothing converted or lost at open');
    traffic.recordCycle({ atMs: T0 + 10_000, day: '2025-08-05', deltas: [{ keyId: 'a', rxBytes: 7, txBytes: 8, newConnections: 0, connections: 1 }], baselines: new Map() });
    assert.deepEqual(traffic.samples('a').map((sample) => [sample.atMs, sample.rxBytes, sample.txBytes, sample.connections]), [
      [T0 - 10_000, 1, 2, 1],
      [T0, 5, 6, 2],
      [T0 + 10_000, 7, 8, 1],
    ]);
    assert.deepEqual(traffic.cleanup('2025-01-01', T0), { days: 0, samples: 2 }, 'the two old rows before the cut');
    assert.ok(tables(db).includes('traffic_samples'), 'a row of it is still young');
    assert.deepEqual(traffic.cleanup('2025-01-01', T0 + 1), { days: 0, samples: 1 });
    assert.ok(!tables(db).includes('traffic_samples'), 'dropped once empty');
    assert.deepEqual(traffic.samples('a').map((sample) => sample.atMs), [T0 + 10_000]);
    db.close();
    const again = openDatabase(join(dir, 'old-samples.db'));
    assert.ok(!tables(again).includes('traffic_samples'), 'opening again does not make it anew');
    again.close();
  });

  test('a history reset deletes the key\'s old rows; deleting a key still cascades to them', () => {
    const db = openDatabase(oldDatabase('old-samples-reset.db'));
    const traffic = new TrafficStore(db);
    traffic.resetHistory('a');
    assert.deepEqual(plain(db.prepare('SELECT key_id FROM traffic_samples').all()), [{ key_id: 'b' }]);
    db.exec("DELETE FROM keys WHERE id = 'b'");
    assert.equal(count(db, 'traffic_samples'), 0);
    traffic.pruneSamples(T0 - 20_000);
    assert.ok(!tables(db).includes('traffic_samples'), 'the hourly prune drops it once empty, too');
    db.close();
  });
});

describe('openDatabase on a database from before the current days on key_totals', () => {
  const dir = suiteDir('keyport-db-');
  const T0 = Date.UTC(2025, 7, 6, 12, 0, 0);
  const dayColumns = (db: DatabaseSync) =>
    plain(db.prepare('SELECT key_id, day, day_rx_bytes, day_tx_bytes, day_max_connections, day_sessions FROM key_totals ORDER BY key_id').all());
  const dailyRows = (db: DatabaseSync) => plain(db.prepare('SELECT * FROM daily_traffic ORDER BY key_id, day').all());

  /** Keys a-d (d without a totals row); a holds an earlier day not yet added to the days beside its current one. */
  function oldDatabase(name: string): string {
    const path = join(dir, name);
    const old = openDatabase(path);
    toTodayTrafficShape(old);
    old.exec(`
      INSERT INTO keys (id, name, uuid, port, created_at_ms) VALUES
        ('a', 'a', 'uuid-a', 10001, 0), ('b', 'b', 'uuid-b', 10002, 0), ('c', 'c', 'uuid-c', 10003, 0), ('d', 'd', 'uuid-d', 10004, 0);
      INSERT INTO key_totals (key_id) VALUES ('a'), ('b'), ('c');
      INSERT INTO daily_traffic VALUES ('b', '2025-08-04', 100, 200, 1, 1);
      INSERT INTO today_traffic VALUES
        ('a', '2025-08-05', 10, 20, 3, 1), ('a', '2025-08-06', 7, 8, 2, 2), ('b', '2025-08-06', 5, 6, 1, 1), ('d', '2025-08-06', 9, 9, 0, 0);`);
    old.close();
    return path;
  }

  test('moves each key\'s latest row onto its totals row and adds the rest into daily_traffic, every day read as before', () => {
    const db = openDatabase(oldDatabase('old-today.db'));
    assert.equal(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'today_traffic'").get(), undefined, 'the table is gone');
    assert.deepEqual(dayColumns(db), [
      { key_id: 'a', day: '2025-08-06', day_rx_bytes: 7, day_tx_bytes: 8, day_max_connections: 2, day_sessions: 2 },
      { key_id: 'b', day: '2025-08-06', day_rx_bytes: 5, day_tx_bytes: 6, day_max_connections: 1, day_sessions: 1 },
      { key_id: 'c', day: null, day_rx_bytes: 0, day_tx_bytes: 0, day_max_connections: 0, day_sessions: 0 },
    ]);
    assert.deepEqual(dailyRows(db), [
      { key_id: 'a', day: '2025-08-05', rx_bytes: 10, tx_bytes: 20, max_connections: 3, sessions: 1 },
      { key_id: 'b', day: '2025-08-04', rx_bytes: 100, tx_bytes: 200, max_connections: 1, sessions: 1 },
      { key_id: 'd', day: '2025-08-06', rx_bytes: 9, tx_bytes: 9, max_connections: 0, sessions: 0 },
    ]);
    const traffic = new TrafficStore(db);
    assert.deepEqual(traffic.days('a').map((row) => [row.day, row.rxBytes, row.maxConnections]), [['2025-08-05', 10, 3], ['2025-08-06', 7, 2]]);
    assert.deepEqual({ ...traffic.period('2025-08-01', '2025-08-31').get('a') }, { day: '', rxBytes: 17, txBytes: 28, maxConnections: 3, sessions: 3 });
    assert.equal(traffic.daySummary('2025-08-06').rxBytes, 21);

    // The day goes on where it was, for a key with its totals row and one without.
    const moved = { rxBytes: 1, txBytes: 1, newConnections: 1, connections: 1 };
    traffic.recordCycle({ atMs: T0, day: '2025-08-06', deltas: ['a', 'd'].map((keyId) => ({ keyId, ...moved })), baselines: new Map() });
    assert.deepEqual(traffic.days('a').map((row) => [row.day, row.rxBytes]), [['2025-08-05', 10], ['2025-08-06', 8]]);
    assert.deepEqual(traffic.days('d').map((row) => [row.day, row.rxBytes]), [['2025-08-06', 10]]);
    const page = traffic.daysSince('2025-01-01', null, 100);
    assert.equal(page.rows, 5, 'each (key, day) once');
    db.close();

    const again = openDatabase(join(dir, 'old-today.db'));
    assert.deepEqual(dayColumns(again)[0], { key_id: 'a', day: '2025-08-06', day_rx_bytes: 8, day_tx_bytes: 9, day_max_connections: 2, day_sessions: 3 }, 'opening again moves nothing');
    assert.equal(dailyRows(again).length, 3);
    again.close();
  });
});

describe('inTransaction', () => {
  const dir = suiteDir('keyport-db-');

  test('writes everything when the work succeeds and returns its result', () => {
    const db = openDatabase(join(dir, 'commit.db'));
    const result = inTransaction(db, () => {
      db.exec("INSERT INTO counter_baselines VALUES ('v4:rx:10001', 1), ('v4:tx:10001', 2)");
      return 'done';
    });
    assert.equal(result, 'done');
    assert.equal(count(db, 'counter_baselines'), 2);
    db.close();
  });

  test('writes nothing when the work throws, and rethrows', () => {
    const db = openDatabase(join(dir, 'rollback.db'));
    assert.throws(
      () =>
        inTransaction(db, () => {
          db.exec("INSERT INTO counter_baselines VALUES ('v4:rx:10001', 1)");
          throw new Error('half-way');
        }),
      /half-way/,
    );
    assert.equal(count(db, 'counter_baselines'), 0);
    assert.equal(db.isTransaction, false);
    db.close();
  });

  test('a full database keeps SQLite\'s SQLITE_FULL as the error, not the ROLLBACK that finds no transaction', () => {
    const db = openDatabase(join(dir, 'full.db'));
    // max_page_count at the current size: the next page is refused as a full disk is (SQLITE_FULL).
    db.exec(`PRAGMA max_page_count = ${Number(db.prepare('PRAGMA page_count').get()!.page_count)}`);
    const insert = db.prepare('INSERT INTO counter_baselines VALUES (?, ?)');
    let thrown: unknown;
    try {
      inTransaction(db, () => {
        for (let index = 0; index < 10_000; index += 1) insert.run(`v4:rx:${index}:${'x'.repeat(200)}`, index);
      });
    } catch (error) {
      thrown = error;
    }
    assert.match((thrown as Error).message, /database or disk is full/);
    assert.equal((thrown as { errcode?: number }).errcode, 13);
    assert.equal(isDiskFull(thrown), true);
    assert.equal(db.isTransaction, false);
    assert.equal(count(db, 'counter_baselines'), 0);
    db.close();
  });
});

describe('openDatabase on a damaged file', () => {
  const dir = suiteDir('keyport-db-');

  test('a damaged table page fails at open with what quick_check found', () => {
    const path = join(dir, 'damaged.db');
    const db = openDatabase(path);
    const insert = db.prepare("INSERT INTO keys (id, name, uuid, port, created_at_ms) VALUES (?, 'n', ?, ?, 0)");
    for (let index = 0; index < 200; index += 1) insert.run(`k${index}`, `u${index}`, 10_000 + index);
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    db.close();
    damagePage(path, 3);
    assert.throws(() => openDatabase(path), (error: unknown) => error instanceof DatabaseDamagedError && /is damaged: /.test((error as Error).message));
  });

  test('a file that is not SQLite at all fails at open the same way', () => {
    const path = join(dir, 'garbage.db');
    writeFileSync(path, 'not a database '.repeat(300));
    assert.throws(() => openDatabase(path), (error: unknown) => error instanceof DatabaseDamagedError && /file is not a database/.test((error as Error).message));
  });
});

