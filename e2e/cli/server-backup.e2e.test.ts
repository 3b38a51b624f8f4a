import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { buildAgent } from '../support/build-for-tests.ts';
import { moveBytesThenHistory, settledHistoryBytes } from '../support/key-traffic.ts';
import { addAndDeploy, keyport, keyportJson } from '../support/keyport-cli.ts';
import { scratchHome, type ScratchHome } from '../support/scratch-home.ts';

interface KeyRow {
  id: string;
  name: string;
  port: number;
  is_active: boolean;
  data_limit_bytes: number | null;
  note: string;
}

/**
 * A server's backup through the CLI between two test servers: written from alpha, after traffic
 * through one of its keys, into an encrypted archive, refused with a wrong passphrase or a flipped
 * byte before beta is touched, then restored onto a freshly deployed beta, which serves the same
 * keys with the same links and answers the same traffic history, by day and by month.
 */
describe('keyport server backup and restore between two test servers', { timeout: 600_000 }, () => {
  let alpha: TestServer;
  let beta: TestServer;
  let home: ScratchHome;
  let env: Record<string, string>;
  let archive: string;
  let passphraseFile: string;
  /** What alpha answered of each key's history when it was backed up. */
  let alphaHistory: Awaited<ReturnType<typeof historyOf>>;

  const keysOf = async (server: string) => (await keyportJson<{ data: KeyRow[] }>(['keys', 'list', server], env)).data.map(({ id, name, port, is_active, data_limit_bytes, note }) => ({ id, name, port, is_active, data_limit_bytes, note }));
  const linkOf = async (server: string, id: string) => (await keyportJson<{ data: { vless_url: string } }>(['keys', 'config', server, id], env)).data.vless_url;
  /** The month of the backup (UTC), so a restore read after it ends still reads that one. */
  const month = new Date().toISOString().slice(0, 7);
  /** Each key's history (every day, with its totals) and the month's traffic with its days, as the CLI reads them. */
  const historyOf = async (server: string) =>
    Promise.all(
      (await keysOf(server)).map(async ({ id }) => ({
        history: (await keyportJson<{ data: { total_traffic: { total_bytes: number } } }>(['traffic', 'history', server, id], env)).data,
        month: (await keyportJson<{ data: unknown }>(['traffic', 'monthly', server, '--key', id, '--month', month], env)).data,
      })),
    );

  before(async () => {
    buildAgent();
    [alpha, beta] = await Promise.all([TestServer.create(await freePort()), TestServer.create(await freePort())]);
    home = scratchHome('keyport-e2e-backup-');
    env = home.env;
    archive = join(home.dir, 'alpha.kpbak');
    passphraseFile = join(home.dir, 'passphrase');
    writeFileSync(passphraseFile, 'a long backup passphrase\n', { mode: 0o600 });
    await addAndDeploy(env, 'alpha', alpha);
    await addAndDeploy(env, 'beta', beta);
    const anna = await keyportJson<KeyRow>(['keys', 'create', 'alpha', 'anna', '--limit', '10GB', '--reset', 'month', '--note', 'laptop'], env);
    await keyportJson(['keys', 'create', 'alpha', 'boris'], env);
    await moveBytesThenHistory(alpha, 'alpha', anna, env);
    await settledHistoryBytes(alpha, anna.id);
  });

  after(async () => {
    await alpha?.destroy();
    await beta?.destroy();
    home?.remove();
  });

  test('backup writes an archive that holds nothing readable', async () => {
    alphaHistory = await historyOf('alpha');
    assert.ok(alphaHistory.some(({ history }) => history.total_traffic.total_bytes >= 100_000), 'anna’s traffic is in the history backed up');
    const written = await keyportJson<{ file: string; sizeBytes: number }>(['server', 'backup', 'alpha', archive, '--passphrase-file', passphraseFile], env);
    assert.equal(written.file, archive);
    const bytes = readFileSync(archive);
    assert.equal(bytes.subarray(0, 8).toString('latin1'), 'KPSRVBAK');
    assert.ok(!bytes.includes(Buffer.from('anna')) && !bytes.includes(Buffer.from('SQLite format 3')));
  });

  test('a wrong passphrase and a flipped byte are refused, and beta is left as it was', async () => {
    const wrong = join(home.dir, 'wrong');
    writeFileSync(wrong, 'not the passphrase at all\n');
    const refused = await keyport(['server', 'restore', 'beta', archive, '--passphrase-file', wrong, '--json'], env);
    assert.equal(refused.code, 1);
    assert.equal(JSON.parse(refused.stdout).error.code, 'backup-passphrase-wrong');
    const flipped = join(home.dir, 'flipped.kpbak');
    const bytes = readFileSync(archive);
    bytes[bytes.length - 100]! ^= 0x40;
    writeFileSync(flipped, bytes);
    const damaged = await keyport(['server', 'restore', 'beta', flipped, '--passphrase-file', passphraseFile, '--json'], env);
    assert.equal(damaged.code, 1);
    assert.equal(JSON.parse(damaged.stdout).error.code, 'backup-damaged');
    assert.deepEqual(await keysOf('beta'), []);
  });

  test('restore onto the fresh beta gives the same keys, ports, limits, links and traffic history; a second restore is refused', async () => {
    const before = await keysOf('alpha');
    const restored = await keyport(['server', 'restore', 'beta', archive, '--passphrase-file', passphraseFile], env);
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    assert.match(restored.stdout, /Restored 2 key\(s\)/);
    // Sent in chunks, as every restore is: the bar goes to all of the snapshot, then the server restores it.
    assert.match(restored.stderr, /\[#{30}\] (\S+ \S+) of \1 sent to beta\nRestoring on beta\.\.\.\n/);
    assert.deepEqual(await keysOf('beta'), before);
    for (const key of before) {
      // Both test servers are reached as 127.0.0.1, so a link restored whole (uuid, port, Reality key, names) is the same link.
      assert.equal(await linkOf('beta', key.id), await linkOf('alpha', key.id));
    }
    assert.deepEqual(await historyOf('beta'), alphaHistory);
    const again = await keyport(['server', 'restore', 'beta', archive, '--passphrase-file', passphraseFile, '--json'], env);
    assert.equal(again.code, 1);
    assert.equal(JSON.parse(again.stdout).error.code, 'server-not-fresh');
  });
});
