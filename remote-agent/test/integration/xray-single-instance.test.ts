import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { suiteAgent } from '../support/suite-agent.ts';
import { FAKE_XRAY } from '../../../test-support/stand-in-xray.ts';
import { readListeningSockets } from '../../src/services/net/socket-table.ts';
import { findSocketHolders } from '../../src/services/net/socket-holders.ts';
import { waitFor } from '../../../test-support/wait.ts';

/** Pids of the processes listening on a port (Xray binds with SO_REUSEPORT, so there may be two). */
async function listenersOf(port: number): Promise<number[]> {
  const inodes = new Set((await readListeningSockets()).filter((socket) => socket.port === port).map((socket) => socket.inode));
  return [...new Set([...(await findSocketHolders(inodes)).values()].map((holder) => holder.pid))];
}

/** Running, not merely unreaped: a zombie has no command line. */
const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== '';
  } catch {
    return false;
  }
};

describe('never two Xrays on our ports', () => {
  let second: ChildProcess | undefined;
  const agent = suiteAgent(undefined, () => {
    if (second?.pid && alive(second.pid)) second.kill('SIGKILL');
  });

  test('a second Xray on our config, sharing every port, is reported and stopped by sync', async () => {
    const key = (await agent().post('/api/keys', { name: 'shared-port' })).body;
    const first = agent().xrayPid()!;
    // Key changes reach the file coalesced; config-status flushes it, so the second Xray has the key too.
    await agent().get('/api/system/xray/config-status');
    // As an admin's `xray run -c` by hand would: SO_REUSEPORT lets it bind beside the first.
    second = spawn(FAKE_XRAY, ['run', '-format', 'json', '-c', agent().xrayConfigPath], { stdio: 'ignore' });
    await waitFor('the second Xray to bind the key port', async () => ((await listenersOf(key.port)).includes(second!.pid!) ? true : undefined));
    assert.deepEqual((await listenersOf(key.port)).sort(), [first, second.pid!].sort());

    const status = (await agent().get('/api/system/xray/config-status')).body.data;
    assert.equal(status.in_sync, false);
    assert.deepEqual(status.stray_processes.map((entry: { pid: number }) => entry.pid), [second.pid]);

    const synced = (await agent().post('/api/system/xray/sync-config')).body.data;
    assert.equal(synced.status.in_sync, true, JSON.stringify(synced.status));
    assert.equal(alive(second.pid!), false);
    assert.deepEqual(await listenersOf(key.port), [first]);
    assert.equal(agent().xrayPid(), first, 'the Xray in the pid file keeps serving');
  });

  test('an Xray of ours that lost its pid file is adopted, not doubled', async () => {
    const pid = agent().xrayPid()!;
    rmSync(join(agent().dataDir, 'xray.pid'));
    const lost = (await agent().get('/api/system/xray/config-status')).body.data;
    assert.deepEqual(lost.stray_processes.map((entry: { pid: number }) => entry.pid), [pid], 'reported until sync adopts it');
    assert.deepEqual(lost.not_serving, [], 'its keys are served meanwhile, not all "not listening"');
    const synced = (await agent().post('/api/system/xray/sync-config')).body.data;
    assert.equal(synced.applied.method, 'api', JSON.stringify(synced.applied));
    assert.equal(synced.status.in_sync, true, JSON.stringify(synced.status));
    assert.equal(agent().xrayPid(), pid);
  });

  test('a restart waits until the hung Xray is gone before it starts the new one', async () => {
    const [key] = (await agent().get('/api/keys')).body;
    const hung = agent().xrayPid()!;
    process.kill(hung, 'SIGSTOP');
    const created = await agent().post('/api/keys', { name: 'after-hang' });
    assert.equal(created.status, 200);
    const status = (await agent().get('/api/system/xray/config-status')).body.data;
    assert.equal(status.last_apply.method, 'restart', JSON.stringify(status.last_apply));
    assert.equal(alive(hung), false);
    const now = agent().xrayPid()!;
    assert.notEqual(now, hung);
    assert.deepEqual(await listenersOf(key.port), [now]);
    assert.equal(status.in_sync, true, JSON.stringify(status));
  });
});
