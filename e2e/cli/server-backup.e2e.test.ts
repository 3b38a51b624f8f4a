import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { keyport, keyportJson } from '../support/keyport-cli.ts';

const REPO = resolve(import.meta.dirname, '../..');

interface KeyRow {
  id: string;
  name: string;
  port: number;
  is_active: boolean;
  data_limit_bytes: number | null;
  note: string;
}

/**
 * A server's backup through the CLI between two test servers: written from alpha into an
 * encrypted archive, refused with a wrong passphrase or a flipped byte before beta is touched, then
 * restored onto a freshly deployed beta, which serves the same keys with the same links.
 */
describe('keyport server backup and restore between two test servers', { timeout: 600_000 }, () => {
  let alpha: TestServer;
  let beta: TestServer;
  let scratch: string;
  let env: Record<string, string>;
  let archive: string;
  let passphraseFile: string;

  const add = async (name: string, server: TestServer) => {
    const added = await keyport(
      ['server', 'add', name, '--host', '127.0.0.1', '--port', String(server.sshPort), '--key', server.clientKeyPath, '--accept-host-key', server.hostKeyFingerprint],
      env,
    );
    assert.equal(added.code, 0, added.stderr);
    const deployed = await keyport(['server', 'deploy', name], env);
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
  };
  const keysOf = async (server: string) => (await keyportJson<{ data: KeyRow[] }>(['keys', 'list', server], env)).data.map(({ id, name, port, is_active, data_limit_bytes, note }) => ({ id, name, port, is_active, data_limit_bytes, note }));
  const linkOf = async (server: string, id: string) => (await keyportJson<{ data: { vless_url: string } }>(['keys', 'config', server, id], env)).data.vless_url;

  before(async () => {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
    [alpha, beta] = await Promise.all([TestServer.create(await freePort()), TestServer.create(await freePort())]);
    scratch = mkdtempSync(join(tmpdir(), 'keyport-e2e-backup-'));
    env = { HOME: scratch, KEYPORT_HOME: join(scratch, 'keyport'), SSH_AUTH_SOCK: '' };
    archive = join(scratch, 'alpha.kpbak');
    passphraseFile = join(scratch, 'passphrase');
    writeFileSync(passphraseFile, 'a long backup passphrase\n', { mode: 0o600 });
    await add('alpha', alpha);
    await add('beta', beta);
    await keyportJson(['keys', 'create', 'alpha', 'anna', '--limit', '10GB', '--reset', 'month', '--note', 'laptop'], env);
    await keyportJson(['keys', 'create', 'alpha', 'boris'], env);
  });

  after(async () => {
    await alpha?.destroy();
    await beta?.destroy();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('backup writes an archive that holds nothing readable', async () => {
    const written = await keyportJson<{ file: string; sizeBytes: number }>(['server', 'backup', 'alpha', archive, '--passphrase-file', passphraseFile], env);
    assert.equal(written.file, archive);
    const bytes = readFileSync(archive);
    assert.equal(bytes.subarray(0, 8).toString('latin1'), 'KPSRVBAK');
    assert.ok(!bytes.includes(Buffer.from('anna')) && !bytes.includes(Buffer.from('SQLite format 3')));
  });

  test('a wrong passphrase and a flipped byte are refused, and beta is left as it was', async () => {
    const wrong = join(scratch, 'wrong');
    writeFileSync(wrong, 'not the passphrase at all\n');
    const refused = await keyport(['server', 'restore', 'beta', archive, '--passphrase-file', wrong, '--json'], env);
    assert.equal(refused.code, 1);
    assert.equal(JSON.parse(refused.stdout).error.code, 'backup-passphrase-wrong');
    const flipped = join(scratch, 'flipped.kpbak');
    const bytes = readFileSync(archive);
    bytes[bytes.length - 100]! ^= 0x40;
    writeFileSync(flipped, bytes);
    const damaged = await keyport(['server', 'restore', 'beta', flipped, '--passphrase-file', passphraseFile, '--json'], env);
    assert.equal(damaged.code, 1);
    assert.equal(JSON.parse(damaged.stdout).error.code, 'backup-damaged');
    assert.deepEqual(await keysOf('beta'), []);
  });

  test('restore onto the fresh beta gives the same keys, ports, limits and links; a second restore is refused', async () => {
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
    const again = await keyport(['server', 'restore', 'beta', archive, '--passphrase-file', passphraseFile, '--json'], env);
    assert.equal(again.code, 1);
    assert.equal(JSON.parse(again.stdout).error.code, 'server-not-fresh');
  });
});
