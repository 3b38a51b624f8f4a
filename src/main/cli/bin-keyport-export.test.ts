import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { openConsoleHome, reversingVault, snapshotDir } from '../core/console-state/testing/console-home.ts';
import { PASSPHRASE, rewriteExport, seedFleet } from '../core/console-state/testing/export-fixtures.ts';

const BIN = resolve(import.meta.dirname, '../../../bin/keyport');
const dir = mkdtempSync(join(tmpdir(), 'keyport-bin-export-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function keyport(home: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(BIN, args, { env: { ...process.env, KEYPORT_HOME: home, SSH_AUTH_SOCK: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The old laptop's home: the fleet seeded by the core, closed before the CLI runs. */
function seededHome(name: string, sealed = false): string {
  const home = join(dir, name);
  const keys = join(dir, `${name}-keys`);
  mkdirSync(keys);
  const opened = openConsoleHome(home, reversingVault);
  seedFleet(opened, keys, sealed ? { sealPassword: reversingVault.seal } : {});
  opened.close();
  return home;
}

describe('keyport export and import, through the real binary', () => {
  const oldHome = seededHome('old');
  const newHome = join(dir, 'new');
  const file = join(dir, 'state.json');

  before(async () => {
    const exported = await keyport(oldHome, ['export', file]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /^Wrote .*state\.json \(\d+ bytes, mode 0600\): 3 servers, 4 trusted host keys, 1 pending disable\.\nNo secrets: this console stores no SSH passwords/);
    assert.match(exported.stdout, /Not in the file: the cache/);
  });

  test('export writes mode 0600; import into a fresh home gives the same servers, trusted keys and pending disables', async () => {
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const imported = await keyport(newHome, ['import', file]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /^Imported .*state\.json:\n {2}alpha {2}added\n {2}beta {3}added\n {2}gamma {2}added\nTrusted host keys: 4 imported\.\nPending disables: 1 imported\./);
    assert.match(imported.stdout, /beta: the SSH password is asked for on first connect/);
    assert.match(imported.stderr, /^warning: gamma: logs in through ssh-agent, and SSH_AUTH_SOCK is not set here/m);
    const [before, afterImport] = [openConsoleHome(oldHome), openConsoleHome(newHome)];
    try {
      assert.deepEqual(afterImport.state(), before.state().map(({ server, ...rest }) => ({ server: { ...server, lastSyncedAt: null }, ...rest })));
      assert.deepEqual(afterImport.pendingDisables(), before.pendingDisables().filter((entry) => entry.server !== 'gone'));
    } finally {
      before.close();
      afterImport.close();
    }
  });

  test('a second import skips every server and says so; --replace takes the file records', async () => {
    const again = await keyport(newHome, ['import', file, '--json']);
    assert.equal(again.code, 0, again.stderr);
    const report = JSON.parse(again.stdout) as { servers: { outcome: string }[] };
    assert.deepEqual(report.servers.map((server) => server.outcome), ['skipped', 'skipped', 'skipped']);
    const replaced = await keyport(newHome, ['import', file, '--replace']);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stdout, / {2}alpha {2}replaced alpha \(--replace\)\n/);
  });

  test('a damaged, cut, newer or malformed file is refused, exit 1, the home unchanged to the byte', async () => {
    const bytes = readFileSync(file);
    const flipped = Buffer.from(bytes);
    flipped[bytes.indexOf('203.0.113.7')]! ^= 0x01;
    const variants: [string, () => void, RegExp][] = [
      ['flipped.json', () => writeFileSync(join(dir, 'flipped.json'), flipped), /the checksum does not match/],
      ['cut.json', () => writeFileSync(join(dir, 'cut.json'), bytes.subarray(0, bytes.length - 20)), /it is not JSON: cut short or changed/],
      ['v2.json', () => rewriteExport(file, (document) => Object.assign(document, { version: 2 }), join(dir, 'v2.json')), /format version 2, and this Keyport reads version 1/],
      ['bad-port.json', () => rewriteExport(file, (document) => Object.assign(document.servers[0]!.target, { port: 0 }), join(dir, 'bad-port.json')), /servers\[0\]\.target is not a login Keyport can use: SSH port 0/],
    ];
    const home = snapshotDir(newHome);
    for (const [name, write, message] of variants) {
      write();
      const result = await keyport(newHome, ['import', join(dir, name)]);
      assert.equal(result.code, 1, name);
      assert.match(result.stderr, message, name);
      assert.match(result.stderr, /nothing was imported/, name);
      assert.deepEqual(snapshotDir(newHome), home, name);
    }
  });

  describe('secrets', () => {
    const sealedFile = join(dir, 'sealed.json');
    const passphraseFile = join(dir, 'passphrase');
    const wrongFile = join(dir, 'wrong-passphrase');

    before(async () => {
      // Only a keychain (the window's) stores SSH secrets: the file is made over the core with a stand-in.
      const withKeychain = openConsoleHome(seededHome('window', true), reversingVault);
      await withKeychain.service.export(sealedFile, { withSecrets: true, askPassphrase: async () => PASSPHRASE });
      withKeychain.close();
      writeFileSync(passphraseFile, `${PASSPHRASE}\n`);
      writeFileSync(wrongFile, 'not the export passphrase\n');
    });

    test('a wrong passphrase is refused before the home is even made', async () => {
      const home = join(dir, 'never-made');
      const result = await keyport(home, ['import', sealedFile, '--passphrase-file', wrongFile]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /the passphrase is not the one .*sealed\.json was written with; nothing was imported/);
      assert.equal(existsSync(home), false);
    });

    test('the right one imports; this CLI has no keychain to keep the secrets, and says they are asked for', async () => {
      const result = await keyport(join(dir, 'cli-home'), ['import', sealedFile, '--passphrase-file', passphraseFile]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /SSH secrets of beta were in the file, but this console has no OS keychain to keep them/);
      assert.match(result.stdout, /beta: the SSH password is asked for on first connect/);
    });

    test('export --with-secrets here cannot open the window-sealed ones: refused, no file', async () => {
      const out = join(dir, 'from-cli.json');
      const result = await keyport(join(dir, 'window'), ['export', out, '--with-secrets']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /the stored SSH secrets of beta are sealed by an OS keychain this console cannot open/);
      assert.equal(existsSync(out), false);
    });
  });
});
