import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { openKeyportCore, type KeyportCore } from '../../src/main/core/keyport-core.ts';
import { TestServer } from '../harness/test-server.ts';
import { addTestServer } from '../support/console-access.ts';

const REPO = resolve(import.meta.dirname, '../..');

/**
 * After a deploy the console keeps the server's SSH connection: the first sync (and every call
 * after) rides the link the deploy logged in with, the agent's API key read again over it. A new
 * login there cost the first sync half a second at 10,000 keys (`npm run bench:ui`).
 */
describe('the SSH connection across a deploy', { timeout: 90_000 }, () => {
  let server: TestServer;
  let home: string;
  let core: KeyportCore;

  before(async () => {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
    server = await TestServer.create(await freePort());
    home = mkdtempSync(join(tmpdir(), 'keyport-deploy-session-'));
    core = await openKeyportCore({ home });
    await core.fleet.add(addTestServer(server, 'vps'));
  });

  after(async () => {
    await core?.close();
    await server?.destroy();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test('the deploy, its first sync and the calls after it use one connection, and the API key works', async () => {
    let deployConnection: number | undefined;
    await core.deploy.deploy('vps', {}, (progress) => {
      if (progress.step === 'health-check' && progress.state === 'done') deployConnection = server.sessionPids()[0];
    });
    assert.ok(deployConnection, 'the deploy ran over a connection');
    const created = await core.keys.create('vps', 'after the deploy');
    const listed = await core.keys.list('vps');
    assert.equal(listed.source, 'live');
    assert.equal(listed.data.some((key) => key.id === created.id), true);
    assert.equal(server.sessionPids()[0], deployConnection, 'still the connection the deploy logged in with');
  });
});
