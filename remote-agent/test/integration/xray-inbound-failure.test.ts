import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { describe, test } from 'node:test';
import { suiteAgent } from '../support/suite-agent.ts';
import { lsi } from '../support/xray-api.ts';
import { moveBytes, open, probeHeld } from '../../../test-support/tcp-traffic.ts';

/** A program other than Xray on a key's port (no SO_REUSEPORT): Xray's listen there fails. */
function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => resolve(server));
  });
}

describe('one key whose inbound cannot start never restarts Xray or hides behind "in sync"', () => {
  let squatter: Server | undefined;
  const agent = suiteAgent(undefined, () => squatter?.close());

  test('enabling a key whose port another program took: Xray keeps running, the others keep their connections', async () => {
    const served = (await agent().post('/api/keys', { name: 'served' })).body;
    const blocked = (await agent().post('/api/keys', { name: 'squatted' })).body;
    await agent().request('PATCH', `/api/keys/${blocked.id}`, { is_active: false });
    const pid = agent().xrayPid();
    const held = await open(served.port);
    squatter = await occupy(blocked.port);

    const enabled = await agent().request('PATCH', `/api/keys/${blocked.id}`, { is_active: true });
    assert.equal(enabled.status, 200);
    assert.equal(agent().xrayPid(), pid, 'a failed inbound must not restart Xray');
    assert.equal(await probeHeld(held), 'open', "another key's connection survives");
    held.destroy();
    await moveBytes(served.port, 10, 10);

    const status = (await agent().get('/api/system/xray/config-status')).body.data;
    assert.equal(status.last_apply.method, 'api');
    assert.equal(status.last_apply.ok, false);
    assert.equal(status.in_sync, false, 'a key that serves nothing is not in sync');
    assert.deepEqual(
      status.not_serving.map((entry: { key_id: string; port: number; problem: string }) => [entry.key_id, entry.port, entry.problem]),
      [[blocked.id, blocked.port, 'port-taken']],
    );
    assert.ok(status.not_serving[0].holders.some((holder: { pid: number }) => holder.pid === process.pid), JSON.stringify(status.not_serving));
    // Real Xray stores the handler before starting it (app/proxyman/inbound/inbound.go:39-58): the agent takes the dead tag out again.
    assert.ok(!(await lsi(agent().xrayApiPort)).includes(`keyport-${blocked.id}`));
    const validation = (await agent().get('/api/system/xray/validate-sync')).body.data;
    assert.equal(validation.checks.find((check: { name: string }) => check.name === 'keys_served').ok, false);
  });

  test('a restart while the port is still taken leaves that key out, so Xray starts for everyone else', async () => {
    const keys = (await agent().get('/api/keys')).body as Array<{ id: string; name: string; port: number }>;
    const served = keys.find((key) => key.name === 'served')!;
    const squatted = keys.find((key) => key.name === 'squatted')!;
    const pid = agent().xrayPid()!;
    process.kill(pid, 'SIGKILL');
    const synced = (await agent().post('/api/system/xray/sync-config')).body.data;
    assert.equal(synced.applied.method, 'start', JSON.stringify(synced.applied));
    assert.ok(agent().xrayPid());
    await moveBytes(served.port, 10, 10);
    // Asked again once the served key has carried bytes: the one key not served is the squatted one.
    const status = (await agent().get('/api/system/xray/config-status')).body.data;
    assert.deepEqual(
      status.not_serving.map((entry: { key_id: string; problem: string }) => [entry.key_id, entry.problem]),
      [[squatted.id, 'port-taken']],
      JSON.stringify(synced.status.not_serving),
    );
  });

  test('once the port is free, sync-config serves the key and everything is in sync', async () => {
    await new Promise((resolve) => squatter!.close(resolve));
    squatter = undefined;
    const pid = agent().xrayPid();
    const synced = (await agent().post('/api/system/xray/sync-config')).body.data;
    assert.equal(synced.applied.ok, true, JSON.stringify(synced.applied));
    assert.equal(synced.status.in_sync, true, JSON.stringify(synced.status));
    assert.equal(agent().xrayPid(), pid);
    const keys = (await agent().get('/api/keys')).body as Array<{ port: number }>;
    for (const key of keys) await moveBytes(key.port, 10, 10);
  });
});
