import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { DatabaseSync } from 'node:sqlite';
import type { Logger } from '../../src/lib/logger.ts';
import { inTransaction } from '../../src/services/store/database.ts';
import { WalCheckpointer } from '../../src/services/store/wal-checkpointer.ts';
import { tempDatabase } from './temp-db.ts';

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const autocheckpoint = (db: DatabaseSync) => Number(db.prepare('PRAGMA wal_autocheckpoint').get()!.wal_autocheckpoint);

/** About 2,000 pages of rows in one commit: past SQLite's 1,000-page mark for a checkpoint at commit. */
function writeManyPages(db: DatabaseSync): void {
  const insert = db.prepare('INSERT INTO counter_baselines (counter_id, value) VALUES (?, ?)');
  inTransaction(db, () => {
    for (let index = 0; index < 40_000; index += 1) insert.run(`v4:rx:${index}:${'x'.repeat(150)}`, index);
  });
}

describe('WalCheckpointer', () => {
  test('takes checkpointing off the agent\'s connection and copies the whole WAL from its worker', async () => {
    const { db, path } = tempDatabase();
    const checkpointer = new WalCheckpointer({ db, path, log: quiet, everyMs: 60_000 });
    checkpointer.start();
    try {
      assert.equal(autocheckpoint(db), 0, 'no commit of the agent\'s checkpoints by itself');
      writeManyPages(db);
      const result = await checkpointer.checkpoint();
      assert.equal(result.ok, true, result.error);
      assert.ok(result.row!.log > 1000, `the WAL held the commit's pages (${result.row!.log} frames)`);
      assert.equal(result.row!.checkpointed, result.row!.log, 'every frame copied into the database');
      assert.equal(Number(db.prepare('SELECT COUNT(*) AS n FROM counter_baselines').get()!.n), 40_000);
      assert.ok(statSync(path).size > 40_000 * 150, 'the rows are in the database file itself');
    } finally {
      await checkpointer.stop();
    }
    assert.equal(checkpointer.running, false);
    assert.equal(autocheckpoint(db), 1000, 'stopped, the connection checkpoints by itself again');
  });

  test('its worker runs where eval code is an ES module too (--input-type=module), with no require', () => {
    const { path } = tempDatabase();
    const module = new URL('../../src/services/store/wal-checkpointer.ts', import.meta.url).href;
    const script = `
      import { DatabaseSync } from 'node:sqlite';
      const { WalCheckpointer } = await import(${JSON.stringify(module)});
      const db = new DatabaseSync(${JSON.stringify(path)});
      const warnings = [];
      const checkpointer = new WalCheckpointer({ db, path: ${JSON.stringify(path)}, log: { info() {}, error() {}, warn: (m) => warnings.push(m) } });
      checkpointer.start();
      const result = await checkpointer.checkpoint();
      await checkpointer.stop();
      db.close();
      console.log(JSON.stringify({ ok: result.ok, error: result.error, warnings }));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(output), { ok: true, warnings: [] });
  });

  test('a checkpoint asked for when not running says so and changes nothing', async () => {
    const { db, path } = tempDatabase();
    const checkpointer = new WalCheckpointer({ db, path, log: quiet });
    assert.deepEqual(await checkpointer.checkpoint(), { ok: false, error: 'not running' });
    assert.equal(autocheckpoint(db), 1000);
    await checkpointer.stop();
  });
});
