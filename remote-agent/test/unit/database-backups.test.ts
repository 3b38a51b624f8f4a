import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { StartRefusedError } from '../../src/lib/start-refused.ts';
import { BACKUPS_KEPT, DatabaseBackups, listBackups } from '../../src/services/store/database-backups.ts';
import { dataDirLayout } from '../../src/services/store/data-dir-layout.ts';
import { openDatabase } from '../../src/services/store/database.ts';
import { checkBackup, restoreBackup } from '../../src/services/store/restore-backup.ts';
import { damagePage } from '../../../test-support/damage-page.ts';

const log = { info() {}, warn() {}, error() {} };
const HOUR = 3600_000;
const T0 = Date.UTC(2026, 11, 1, 3, 4, 5);
const root = mkdtempSync(join(tmpdir(), 'keyport-backups-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

function agentDir() {
  const dir = join(root, String((dirs += 1)));
  mkdirSync(dir, { mode: 0o700 });
  const layout = dataDirLayout(dir, join(dir, 'xray-config.json'));
  const db = openDatabase(layout.database);
  after(() => db.isOpen && db.close());
  return { layout, db };
}

const addKey = (db: DatabaseSync, id: string, port: number) =>
  db.prepare("INSERT INTO keys (id, name, uuid, port, created_at_ms) VALUES (?, ?, ?, ?, 0)").run(id, id, `uuid-${id}`, port);
const keyIds = (path: string) => {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (db.prepare('SELECT id FROM keys ORDER BY id').all() as Array<{ id: string }>).map((row) => row.id);
  } finally {
    db.close();
  }
};

describe('DatabaseBackups', () => {
  test('one backup a day, named by its UTC time, 0600, the newest three kept', async () => {
    const { layout, db } = agentDir();
    let now = T0;
    const backups = new DatabaseBackups({ db, databasePath: layout.database, dir: layout.backupsDir, log, now: () => now });
    addKey(db, 'first', 10001);
    const taken = await backups.backUpIfDue();
    assert.equal(taken, join(layout.backupsDir, 'keyport-20261201T030405Z.db'));
    assert.equal(statSync(taken).mode & 0o777, 0o600);
    assert.equal(statSync(layout.backupsDir).mode & 0o777, 0o700);
    assert.deepEqual(keyIds(taken), ['first']);

    now += 23 * HOUR;
    assert.equal(await backups.backUpIfDue(), undefined, 'not due within the day');
    for (let day = 1; day <= 4; day += 1) {
      now = T0 + day * 24 * HOUR;
      addKey(db, `day${day}`, 10001 + day);
      assert.ok(await backups.backUpIfDue());
    }
    const kept = await listBackups(layout.backupsDir);
    assert.equal(kept.length, BACKUPS_KEPT);
    assert.deepEqual(keyIds(kept[0]!.path), ['day1', 'day2', 'day3', 'day4', 'first']);
    assert.deepEqual(readdirSync(layout.backupsDir).filter((name) => !/^keyport-\d{8}T\d{6}Z\.db$/.test(name)), []);
  });

  test('a backup whose copy fails leaves no file that looks like one', async () => {
    const { layout, db } = agentDir();
    const backups = new DatabaseBackups({ db, databasePath: layout.database, dir: layout.backupsDir, log, now: () => T0 });
    db.close();
    assert.equal(await backups.backUpIfDue(), undefined);
    assert.deepEqual(readdirSync(layout.backupsDir), []);
  });
});

describe('restoreBackup', () => {
  test('puts the backup in place and keeps the database it replaces aside', async () => {
    const { layout, db } = agentDir();
    addKey(db, 'kept', 10001);
    const backup = await new DatabaseBackups({ db, databasePath: layout.database, dir: layout.backupsDir, log, now: () => T0 }).backUpIfDue();
    addKey(db, 'after-backup', 10002);
    db.close();
    writeFileSync(layout.database, '');
    await restoreBackup(backup!, layout, log, () => T0 + HOUR);
    assert.deepEqual(keyIds(layout.database), ['kept']);
    assert.equal(statSync(layout.database).mode & 0o777, 0o600);
    assert.equal(statSync(`${layout.database}.replaced-20261201T040405Z`).size, 0);
    assert.deepEqual(readdirSync(layout.backupsDir), ['keyport-20261201T030405Z.db'], 'reading a backup leaves nothing beside it');
  });

  test('refuses an empty file, a non-database, a damaged one and a database of another program, changing nothing', async () => {
    const { layout, db } = agentDir();
    addKey(db, 'mine', 10001);
    const dir = join(layout.dataDir, 'candidates');
    mkdirSync(dir);
    writeFileSync(join(dir, 'empty.db'), '');
    writeFileSync(join(dir, 'text.db'), 'hello '.repeat(1000));
    const other = new DatabaseSync(join(dir, 'other.db'));
    other.exec('CREATE TABLE notes (body TEXT)');
    other.close();
    const damaged = join(dir, 'damaged.db');
    const source = openDatabase(damaged);
    for (let index = 0; index < 200; index += 1) addKey(source, `k${index}`, 10_000 + index);
    source.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    source.close();
    damagePage(damaged, 3);
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'missing.db'), /cannot read it/],
      [join(dir, 'empty.db'), /the file is empty/],
      [join(dir, 'text.db'), /file is not a database/],
      [join(dir, 'other.db'), /not a Keyport agent database \(no table keys, /],
      [damaged, /damaged or not a database \(\*\*\* in database main/],
    ];
    for (const [file, why] of cases) {
      await assert.rejects(restoreBackup(file, layout, log, () => T0), (error: Error) => {
        assert.ok(error instanceof StartRefusedError, error.message);
        assert.match(error.message, why);
        assert.match(error.message, /nothing was changed/);
        return true;
      });
    }
    assert.deepEqual(keyIds(layout.database), ['mine']);
    assert.deepEqual(readdirSync(layout.dataDir).filter((name) => name.includes('replaced') || name.includes('restoring')), []);
    assert.equal(await checkBackup(layout.database), 1);
  });
});
