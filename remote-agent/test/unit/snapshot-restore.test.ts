import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { HttpError } from '../../src/lib/http-error.ts';
import { CURRENT_DAYS_VIEW, openDatabase } from '../../src/services/store/database.ts';
import { writeServerSnapshot } from '../../src/services/store/server-snapshot.ts';
import { assignPorts, checkSnapshot, copySnapshotIn } from '../../src/services/store/snapshot-restore.ts';
import { SubscriptionStore } from '../../src/services/subscriptions/subscription-store.ts';
import { generateRealityKeys } from '../../src/services/xray/reality-keys.ts';
import { damagePage } from '../../../test-support/damage-page.ts';
import { toTodayTrafficShape } from './today-traffic-shape.ts';

const root = mkdtempSync(join(tmpdir(), 'keyport-snapshot-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => mkdtempSync(join(root, `${(dirs += 1)}-`));

// Alice's figures on her other servers, as key_subscriptions.usage holds them.
const ALICE_USAGE_ROW = { used_bytes: 4096, limit_bytes: null, synced_at_ms: Date.UTC(2026, 11, 1, 6) };

function sourceDatabase() {
  const db = openDatabase(join(freshDir(), 'keyport.db'));
  after(() => db.isOpen && db.close());
  const add = db.prepare(
    "INSERT INTO keys (id, name, uuid, port, created_at_ms, data_limit_bytes, data_limit_reset, note) VALUES (?, ?, ?, ?, ?, ?, 'month', ?)",
  );
  add.run('k1', 'alice', 'uuid-1', 10001, 1, 5_000_000, 'first');
  add.run('k2', 'bob', 'uuid-2', 10002, 2, null, '');
  db.exec(`INSERT INTO key_totals (key_id, total_rx_bytes, total_tx_bytes, total_connections, day, day_rx_bytes, day_tx_bytes)
           VALUES ('k1', 100, 200, 3, NULL, 0, 0), ('k2', 7, 8, 0, '2026-12-01', 7, 8)`);
  db.exec("INSERT INTO daily_traffic (key_id, day, rx_bytes, tx_bytes, max_connections, sessions) VALUES ('k1', '2026-11-30', 100, 200, 2, 3)");
  db.exec(`INSERT INTO settings (name, value) VALUES ('reality_target', '"www.example.org:443"'), ('link_host', '"old-server.example"'), ('stranger', '1')`);
  db.exec(`INSERT INTO key_subscriptions (key_id, token, links, usage) VALUES ('k1', 'token-of-alice', '["vless://b@elsewhere.example:443"]', '${JSON.stringify(ALICE_USAGE_ROW)}')`);
  return db;
}

function targetDatabase() {
  const db = openDatabase(join(freshDir(), 'keyport.db'));
  after(() => db.isOpen && db.close());
  db.exec(`INSERT INTO settings (name, value) VALUES ('reality_target', '"www.example.com:443"'), ('link_host', 'null')`);
  return db;
}

const rows = (db: DatabaseSync, sql: string) => db.prepare(sql).all().map((row) => ({ ...row }));
const refusal = (reason: string) => (error: unknown) => error instanceof HttpError && error.facts.reason === reason;

describe('server snapshots', () => {
  const reality = generateRealityKeys();

  test('a snapshot holds the database and the Reality keys, checks sound, and copies in with ports kept or moved', async () => {
    const path = await writeServerSnapshot(sourceDatabase(), freshDir(), reality);
    const snapshot = checkSnapshot(path);
    assert.deepEqual(snapshot.realityKeys, reality);
    assert.deepEqual(snapshot.keys.map((key) => [key.id, key.port]), [['k1', 10001], ['k2', 10002]]);
    assert.equal(snapshot.dailyRows, 2);

    const ports = assignPorts(snapshot.keys, { from: 10001, to: 10010 }, (port) => port === 10001);
    assert.deepEqual(ports.map((port) => [port.keyId, port.oldPort, port.newPort]), [['k1', 10001, 10003], ['k2', 10002, 10002]]);

    const target = targetDatabase();
    let lastStepRan = false;
    copySnapshotIn(target, snapshot, ports, () => {
      lastStepRan = true;
    });
    assert.ok(lastStepRan);
    assert.deepEqual(rows(target, 'SELECT id, name, uuid, port, data_limit_bytes, data_limit_reset, note FROM keys ORDER BY id'), [
      { id: 'k1', name: 'alice', uuid: 'uuid-1', port: 10003, data_limit_bytes: 5_000_000, data_limit_reset: 'month', note: 'first' },
      { id: 'k2', name: 'bob', uuid: 'uuid-2', port: 10002, data_limit_bytes: null, data_limit_reset: 'month', note: '' },
    ]);
    assert.deepEqual(rows(target, "SELECT total_rx_bytes, total_tx_bytes, total_connections FROM key_totals WHERE key_id = 'k1'"), [
      { total_rx_bytes: 100, total_tx_bytes: 200, total_connections: 3 },
    ]);
    assert.deepEqual(rows(target, 'SELECT key_id, day, rx_bytes, tx_bytes, max_connections, sessions FROM daily_traffic'), [
      { key_id: 'k1', day: '2026-11-30', rx_bytes: 100, tx_bytes: 200, max_connections: 2, sessions: 3 },
    ]);
    assert.deepEqual(rows(target, `SELECT key_id, day, rx_bytes, tx_bytes FROM ${CURRENT_DAYS_VIEW}`), [{ key_id: 'k2', day: '2026-12-01', rx_bytes: 7, tx_bytes: 8 }]);
    // The link host named where the other server was reached: this one keeps its own.
    assert.deepEqual(rows(target, 'SELECT name, value FROM settings ORDER BY name'), [
      { name: 'link_host', value: 'null' },
      { name: 'reality_target', value: '"www.example.org:443"' },
    ]);

    // The subscription URL and bundle (links and usage) come along; a key that had no token gets a new one.
    const subscriptions = new SubscriptionStore(target);
    subscriptions.issue(['k1', 'k2']);
    assert.equal(subscriptions.tokenOf('k1'), 'token-of-alice');
    assert.deepEqual(subscriptions.links('k1'), ['vless://b@elsewhere.example:443']);
    assert.deepEqual(subscriptions.usage('k1'), { usedBytes: 4096, limitBytes: null, syncedAtMs: ALICE_USAGE_ROW.synced_at_ms });
    assert.equal(subscriptions.usage('k2'), null);
    assert.match(subscriptions.tokenOf('k2') ?? '', /^[A-Za-z0-9_-]{32}$/);
  });

  test('a snapshot from an agent before bundle usage restores its tokens and links, with no usage', async () => {
    const source = sourceDatabase();
    source.exec('ALTER TABLE key_subscriptions DROP COLUMN usage');
    const snapshot = checkSnapshot(await writeServerSnapshot(source, freshDir(), reality));
    const target = targetDatabase();
    copySnapshotIn(target, snapshot, assignPorts(snapshot.keys, { from: 10001, to: 10010 }, () => false), () => {});
    const subscriptions = new SubscriptionStore(target);
    assert.deepEqual([subscriptions.tokenOf('k1'), subscriptions.links('k1'), subscriptions.usage('k1')], ['token-of-alice', ['vless://b@elsewhere.example:443'], null]);
  });

  test('a snapshot of an agent that kept the current days in today_traffic brings them onto the totals rows', async () => {
    const path = await writeServerSnapshot(sourceDatabase(), freshDir(), reality);
    const old = new DatabaseSync(path);
    toTodayTrafficShape(old);
    old.close();
    const snapshot = checkSnapshot(path);
    assert.equal(snapshot.dailyRows, 2);
    const target = targetDatabase();
    copySnapshotIn(target, snapshot, assignPorts(snapshot.keys, { from: 10001, to: 10010 }, () => false), () => {});
    assert.deepEqual(rows(target, `SELECT key_id, day, rx_bytes, tx_bytes FROM ${CURRENT_DAYS_VIEW}`), [{ key_id: 'k2', day: '2026-12-01', rx_bytes: 7, tx_bytes: 8 }]);
    assert.equal(rows(target, 'SELECT key_id FROM daily_traffic').length, 1);
  });

  test('a subscription store read before a restore sees the restored tokens once reloaded', async () => {
    const snapshot = checkSnapshot(await writeServerSnapshot(sourceDatabase(), freshDir(), reality));
    const target = targetDatabase();
    const subscriptions = new SubscriptionStore(target);
    copySnapshotIn(target, snapshot, assignPorts(snapshot.keys, { from: 10001, to: 10010 }, () => false), () => {});
    assert.equal(subscriptions.find('token-of-alice'), undefined);
    subscriptions.reloadFromDatabase();
    assert.equal(subscriptions.find('token-of-alice'), 'k1');
  });

  test('a failure in the last step leaves the target database as it was', async () => {
    const snapshot = checkSnapshot(await writeServerSnapshot(sourceDatabase(), freshDir(), reality));
    const target = targetDatabase();
    const ports = assignPorts(snapshot.keys, { from: 10001, to: 10010 }, () => false);
    assert.throws(() => copySnapshotIn(target, snapshot, ports, () => {
      throw new Error('the Reality keys file could not be renamed');
    }), /could not be renamed/);
    assert.deepEqual(rows(target, 'SELECT id FROM keys'), []);
    assert.deepEqual(rows(target, 'SELECT key_id FROM daily_traffic'), []);
    assert.deepEqual(rows(target, "SELECT value FROM settings WHERE name = 'reality_target'"), [{ value: '"www.example.com:443"' }]);
    assert.ok(!rows(target, 'PRAGMA database_list').some((row) => (row as { name: string }).name === 'restored'), 'the snapshot is detached');
    assert.deepEqual(rows(target, 'SELECT name FROM temp.sqlite_master'), []);
  });

  test('too few free ports in the range refuses the restore before anything is written', async () => {
    const snapshot = checkSnapshot(await writeServerSnapshot(sourceDatabase(), freshDir(), reality));
    assert.throws(() => assignPorts(snapshot.keys, { from: 10001, to: 10002 }, (port) => port === 10002), refusal('ports_exhausted'));
  });

  test('a damaged file, a database that is not ours, and broken Reality keys are refused with a reason', async () => {
    const damaged = await writeServerSnapshot(sourceDatabase(), freshDir(), reality);
    const pageSize = 4096;
    assert.ok(statSync(damaged).size >= 3 * pageSize);
    damagePage(damaged, 2, pageSize);
    assert.throws(() => checkSnapshot(damaged), refusal('snapshot_damaged'));

    const garbage = join(freshDir(), 'garbage.db');
    writeFileSync(garbage, 'not a database at all, just text');
    assert.throws(() => checkSnapshot(garbage), refusal('snapshot_damaged'));

    const plainDatabase = join(freshDir(), 'plain.db');
    openDatabase(plainDatabase).close();
    assert.throws(() => checkSnapshot(plainDatabase), refusal('not_a_snapshot'));

    const wrongPair = await writeServerSnapshot(sourceDatabase(), freshDir(), { ...reality, publicKey: generateRealityKeys().publicKey });
    assert.throws(() => checkSnapshot(wrongPair), refusal('not_a_snapshot'));
  });
});
