import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { StartRefusedError } from '../../src/lib/start-refused.ts';
import { dataDirLayout, type DataDirLayout } from '../../src/services/store/data-dir-layout.ts';
import { openAgentDatabase } from '../../src/services/store/open-agent-database.ts';
import { DatabaseSync } from 'node:sqlite';
import { damagePage } from '../../../test-support/damage-page.ts';

const log = { info() {}, warn() {}, error() {} };
const NOW = Date.UTC(2026, 11, 1, 12);
const root = mkdtempSync(join(tmpdir(), 'keyport-open-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

function freshDir(): DataDirLayout {
  const dir = join(root, String((dirs += 1)));
  mkdirSync(dir, { mode: 0o700 });
  return dataDirLayout(dir, join(dir, 'xray-config.json'));
}

const open = (layout: DataDirLayout, startEmpty = false) => openAgentDatabase({ layout, startEmpty, log, now: () => NOW });

/** Every file of the dir with its bytes and mtime, to show a refusal changed nothing. */
function snapshot(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((name) => {
      const info = statSync(join(dir, name));
      return info.isFile() ? `${name}:${info.size}:${info.mtimeMs}:${readFileSync(join(dir, name)).toString('base64')}` : `${name}/`;
    })
    .join('\n');
}

const xrayConfigWith = (tags: string[]) => JSON.stringify({ inbounds: [{ tag: 'api' }, ...tags.map((tag) => ({ tag }))] });

describe('openAgentDatabase', () => {
  test('a first start (nothing in the data dir) creates the database and its marker', async () => {
    const layout = freshDir();
    const db = await open(layout);
    db.close();
    assert.ok(statSync(layout.database).size > 0);
    assert.equal(readFileSync(layout.marker, 'utf8').trim(), '2026-12-01T12:00:00.000Z');
  });

  test('a 0-byte database beside an Xray config with our inbounds is refused, naming both flags, changing nothing', async () => {
    const layout = freshDir();
    writeFileSync(layout.database, '');
    writeFileSync(layout.xrayConfig, xrayConfigWith(['keyport-a', 'keyport-b']));
    writeFileSync(join(layout.dataDir, 'reality-keys.json'), '{}');
    const before = snapshot(layout.dataDir);
    await assert.rejects(open(layout), (error: Error) => {
      assert.ok(error instanceof StartRefusedError);
      assert.match(error.message, /is empty \(0 bytes\)/);
      assert.match(error.message, /serves 2 key\(s\) of ours/);
      assert.match(error.message, /--restore-backup/);
      assert.match(error.message, /--start-empty/);
      return true;
    });
    assert.equal(snapshot(layout.dataDir), before);
  });

  test('a missing database where the marker says one was created is refused', async () => {
    const layout = freshDir();
    writeFileSync(layout.marker, '2026-11-01T00:00:00.000Z\n');
    await assert.rejects(open(layout), /is missing, but the data dir shows it held keys: .*database-created/s);
    assert.deepEqual(readdirSync(layout.dataDir), ['database-created']);
  });

  test('a database with no tables beside a backup is refused', async () => {
    const layout = freshDir();
    const first = freshDir();
    (await open(first)).close();
    mkdirSync(layout.backupsDir);
    writeFileSync(join(layout.backupsDir, 'keyport-20261130T000000Z.db'), readFileSync(first.database));
    const empty = new DatabaseSync(layout.database);
    empty.exec('PRAGMA user_version = 1');
    empty.close();
    await assert.rejects(open(layout), /holds no tables, .*1 backup\(s\) of it are in/s);
  });

  test('--start-empty starts on the empty database on purpose', async () => {
    const layout = freshDir();
    writeFileSync(layout.database, '');
    writeFileSync(layout.xrayConfig, xrayConfigWith(['keyport-a']));
    const db = await open(layout, true);
    assert.equal(Number((db.prepare('SELECT COUNT(*) AS n FROM keys').get() as { n: number }).n), 0);
    db.close();
  });

  test('an Xray config without inbounds of ours is no sign of keys', async () => {
    const layout = freshDir();
    writeFileSync(layout.xrayConfig, xrayConfigWith(['someone-else']));
    (await open(layout)).close();
  });

  test('a damaged page is refused at start with what quick_check found, even with --start-empty', async () => {
    const layout = freshDir();
    const db = await open(layout);
    const insert = db.prepare("INSERT INTO keys (id, name, uuid, port, created_at_ms) VALUES (?, 'n', ?, ?, 0)");
    for (let index = 0; index < 200; index += 1) insert.run(`k${index}`, `u${index}`, 10_000 + index);
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    db.close();
    damagePage(layout.database, 3);
    for (const startEmpty of [false, true]) {
      await assert.rejects(open(layout, startEmpty), (error: Error) => {
        assert.ok(error instanceof StartRefusedError);
        assert.match(error.message, /keyport\.db is damaged: /);
        assert.match(error.message, /--restore-backup/);
        return true;
      });
    }
  });

  test('a -wal left beside a missing database is a sign of keys, and --start-empty keeps it apart from the new one', async () => {
    const source = freshDir();
    const db = await open(source);
    db.exec('PRAGMA wal_autocheckpoint = 0');
    db.prepare("INSERT INTO keys (id, name, uuid, port, created_at_ms) VALUES ('k', 'n', 'u', 10001, 0)").run();
    const layout = freshDir();
    writeFileSync(`${layout.database}-wal`, readFileSync(`${source.database}-wal`));
    db.close();
    await assert.rejects(open(layout), /its write-ahead log .*keyport\.db-wal holds \d+ bytes/);
    const fresh = await open(layout, true);
    assert.equal(Number((fresh.prepare('SELECT COUNT(*) AS n FROM keys').get() as { n: number }).n), 0);
    fresh.close();
    assert.ok(readdirSync(layout.dataDir).includes('keyport.db-wal.stale-20261201T120000Z'));
  });
});
