import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { API_KEY_FILE } from '../../src/main/core/deploy/remote-layout.ts';
import { TestServer } from '../harness/test-server.ts';
import { keyport, keyportJson } from '../support/keyport-cli.ts';

const REPO = resolve(import.meta.dirname, '../..');

/**
 * The console moved to a new laptop: a server added and deployed from one KEYPORT_HOME, exported,
 * imported into an empty one, which then manages the server at once: the trusted host key came
 * along (no question asked), and the agent's API key, never in the file, is read over SSH.
 */
describe('keyport export, then import on a new laptop', { timeout: 600_000 }, () => {
  let server: TestServer;
  let scratch: string;
  let oldLaptop: Record<string, string>;
  let newLaptop: Record<string, string>;
  let file: string;
  let apiKey: string;

  before(async () => {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
    server = await TestServer.create(await freePort());
    scratch = mkdtempSync(join(tmpdir(), 'keyport-e2e-export-'));
    oldLaptop = { HOME: scratch, KEYPORT_HOME: join(scratch, 'old'), SSH_AUTH_SOCK: '' };
    newLaptop = { ...oldLaptop, KEYPORT_HOME: join(scratch, 'new') };
    file = join(scratch, 'keyport-state.json');
    const added = await keyport(
      ['server', 'add', 'alpha', '--host', '127.0.0.1', '--port', String(server.sshPort), '--key', server.clientKeyPath, '--accept-host-key', server.hostKeyFingerprint],
      oldLaptop,
    );
    assert.equal(added.code, 0, added.stderr);
    const deployed = await keyport(['server', 'deploy', 'alpha'], oldLaptop);
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
    await keyportJson(['keys', 'create', 'alpha', 'anna'], oldLaptop);
    apiKey = server.exec('cat', [API_KEY_FILE]).trim();
    assert.match(apiKey, /^[A-Za-z0-9_-]{43}$/);
  });

  after(async () => {
    await server?.destroy();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('the new laptop lists the server and its keys live, without a host key question; the API key was never in the file', async () => {
    const exported = await keyport(['export', file], oldLaptop);
    assert.equal(exported.code, 0, exported.stderr);
    assert.ok(!readFileSync(file, 'utf8').includes(apiKey), 'the agent API key is not in the file');

    const imported = await keyport(['import', file], newLaptop);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, / {2}alpha {2}added\n/);
    assert.doesNotMatch(imported.stdout, /Before logging in from here/, 'the key file is on this machine: nothing to do');

    const keys = await keyportJson<{ data: { name: string }[]; source: string }>(['keys', 'list', 'alpha'], newLaptop);
    assert.equal(keys.source, 'live');
    assert.deepEqual(keys.data.map((key) => key.name), ['anna']);
  });
});
