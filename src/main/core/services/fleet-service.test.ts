import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { test, type TestContext } from 'node:test';
import type { ApiKey, ConfigStatusReport } from '../../../shared/contract/api-types.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { deployedAlpha, openTempCache } from '../cache/testing/temp-cache.ts';
import { PortChecker } from '../health/port-checker.ts';
import { configStatus, NOT_RUNNING } from '../health/testing/config-status.ts';
import { FleetService } from './fleet-service.ts';
import type { SecretVault } from './secret-vault.ts';
import type { ServerSessions } from './server-sessions.ts';

const AT = '2025-08-05T12:00:00.000Z';

/** A port on 127.0.0.1 that accepts connections (and counts them) until the test ends. */
async function listening(t: TestContext): Promise<{ port: number; accepted: () => number }> {
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return { port: (server.address() as { port: number }).port, accepted: () => accepted };
}

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function key(port: number, changes: Partial<ApiKey> = {}): ApiKey {
  return { id: `k${port}`, name: `key-${port}`, uuid: '0b7c7c2e-8f7a-4a4e-9d2c-5d8c3f1e2a10', created_at: '2025-08-05T12:00:00.000000', is_active: true, port, status: changes.is_active === false ? 'disabled' : 'active', data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null, note: '', used_bytes: 0, period_started_at: null, subscription_url: null, ...changes };
}

/** A FleetService over a real cache whose agent answers config-status and the key list as given. */
function fleetWith(t: TestContext, agent: { config: ConfigStatusReport; keys: ApiKey[]; linkHost?: string; failure?: KeyportError }, now = () => Date.now()) {
  const { cache } = openTempCache(t);
  cache.saveServer({ ...deployedAlpha(AT), agent: { ...deployedAlpha(AT).agent!, keyPorts: { from: 10001, to: 29999 } } });
  const calls: string[] = [];
  const client = {
    getConfigStatus: async () => (calls.push('config-status'), { data: agent.config }),
    listKeys: async () => (calls.push('keys'), agent.keys),
    getKeyConfig: async (keyId: string) => {
      calls.push(`config ${keyId}`);
      const found = agent.keys.find((entry) => entry.id === keyId)!;
      return { key: found, vless_url: `vless://${found.uuid}@${agent.linkHost ?? '127.0.0.1'}:${found.port}?type=tcp#${found.name}`, qr_code_data: '' };
    },
  };
  const sessions = {
    client: async () => {
      if (agent.failure) throw agent.failure;
      return client;
    },
    forget: async () => undefined,
  } as unknown as ServerSessions;
  const fleet = new FleetService({
    cache,
    sessions,
    vault: { available: false } as SecretVault,
    sync: async () => undefined,
    deployableRelease: async () => 'r1',
    portChecker: new PortChecker({ timeoutMs: 2_000, cacheMs: 60_000, now }),
    now,
  });
  return { fleet, calls };
}

test('an online server without Xray stays "online" as a connection, with Xray "missing" as its problem and no port check', async (t) => {
  const { port } = await listening(t);
  const config = configStatus((xray) => {
    xray.binary = { path: '/usr/local/bin/xray', installed: false, version: null, version_support: { version: null, support: 'unknown', minimum: '1.8.12', checked: '26.7.28' } };
    xray.process = NOT_RUNNING;
    xray.in_sync = false;
    xray.live = null;
  });
  const { fleet, calls } = fleetWith(t, { config, keys: [key(port)] });
  const status = await fleet.status('alpha');
  assert.equal(status.state, 'online');
  assert.equal(status.xray?.state, 'missing');
  assert.equal(status.portCheck, null, 'no Xray answers on the port, so connecting to it says nothing');
  assert.deepEqual(status.problems.map((problem) => problem.code), ['xray-missing']);
  assert.ok(!calls.some((call) => call.startsWith('config ')), calls.join());
});

test('with Xray ok, status connects to an active key’s port on its link’s host and reports it reachable', async (t) => {
  const open = await listening(t);
  const { fleet } = fleetWith(t, { config: configStatus(), keys: [key(10005, { is_active: false }), key(open.port)] });
  const status = await fleet.status('alpha');
  assert.deepEqual(status.problems, []);
  assert.equal(status.portCheck?.reachable, true);
  assert.equal(status.portCheck?.host, '127.0.0.1');
  assert.equal(status.portCheck?.port, open.port, 'the active key’s port, not the disabled one’s');
  assert.equal(open.accepted(), 1);
});

test('a key port that refuses from here is "port-unreachable" with the deploy record’s range; the answer is reused for a minute', async (t) => {
  const port = await closedPort();
  let nowMs = Date.parse(AT);
  const { fleet, calls } = fleetWith(t, { config: configStatus(), keys: [key(port)] }, () => nowMs);
  const first = await fleet.status('alpha');
  assert.deepEqual(first.problems, [
    { code: 'port-unreachable', fix: 'open-firewall', host: '127.0.0.1', port, keyPorts: { from: 10001, to: 29999 }, failure: 'refused' },
  ]);
  assert.equal(first.portCheck?.errorCode, 'ECONNREFUSED');
  nowMs += 59_000;
  const second = await fleet.status('alpha');
  assert.equal(second.portCheck?.checkedAt, first.portCheck?.checkedAt);
  nowMs += 2_000;
  const third = await fleet.status('alpha');
  assert.notEqual(third.portCheck?.checkedAt, first.portCheck?.checkedAt);
  assert.equal(calls.filter((call) => call.startsWith('config ')).length, 2, 'two checks in 61 s of three status calls');
});

test('checkPorts connects now, whatever the cache holds, to the host the link names', async (t) => {
  const open = await listening(t);
  const { fleet } = fleetWith(t, { config: configStatus(), keys: [key(open.port)], linkHost: 'localhost' });
  await fleet.status('alpha');
  const check = await fleet.checkPorts('alpha');
  assert.equal(check.host, 'localhost');
  assert.equal(check.reachable, true);
  assert.equal(open.accepted(), 2);
});

test('checkPorts on a server without an active key says so, as not-found', async (t) => {
  const { fleet } = fleetWith(t, { config: configStatus(), keys: [key(10001, { is_active: false })] });
  await assert.rejects(fleet.checkPorts('alpha'), (error: unknown) => error instanceof KeyportError && error.code === 'not-found' && /no active key/.test(error.message));
  assert.equal((await fleet.status('alpha')).portCheck, null);
});

test('the agent not answering while SSH works is agent-down; no SSH at all is offline (by the error\'s facts, not its words)', async (t) => {
  const agentDown = new KeyportError('server-offline', 'whatever the words', { server: 'alpha', unreachable: 'agent', apiPort: 8000 });
  const down = fleetWith(t, { config: configStatus(), keys: [], failure: agentDown });
  assert.equal((await down.fleet.status('alpha')).state, 'agent-down');
  const offline = fleetWith(t, { config: configStatus(), keys: [], failure: new KeyportError('server-offline', 'the Keyport agent on alpha does not answer') });
  assert.equal((await offline.fleet.status('alpha')).state, 'offline');
});

test('offline, status tells when the link tries again as a number, and its reason carries no countdown', async (t) => {
  const failure = new KeyportError('server-offline', 'Cannot reach root@127.0.0.1:2222: connect ECONNREFUSED 127.0.0.1:2222.', { endpoint: '127.0.0.1:2222', retryInMs: 8_000 });
  const offline = await fleetWith(t, { config: configStatus(), keys: [], failure }).fleet.status('alpha');
  assert.deepEqual([offline.state, offline.reason, offline.retryInMs], ['offline', failure.message, 8_000]);
  const noRetry = await fleetWith(t, { config: configStatus(), keys: [], failure: new KeyportError('server-offline', 'gone') }).fleet.status('alpha');
  assert.equal('retryInMs' in noRetry, false);
});

test('an add without a host or a way to log in says which by its facts, naming no CLI flag', async (t) => {
  const { fleet } = fleetWith(t, { config: configStatus(), keys: [] });
  const saved = { HOME: process.env.HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK };
  const { path } = openTempCache(t);
  process.env.HOME = path.replace(/\/cache\.sqlite$/, '');
  delete process.env.SSH_AUTH_SOCK;
  t.after(() => {
    for (const [name, value] of Object.entries(saved)) if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  });
  for (const [request, missing] of [
    [{ name: 'beta', acceptedFingerprint: 'SHA256:x' }, 'host'],
    [{ name: 'beta', host: '127.0.0.1', acceptedFingerprint: 'SHA256:x' }, 'credentials'],
  ] as const) {
    await assert.rejects(fleet.add(request), (error: unknown) => {
      assert.ok(error instanceof KeyportError);
      assert.equal(error.code, 'bad-input');
      assert.equal(error.facts.missing, missing);
      assert.doesNotMatch(error.message, /--[a-z]/);
      return true;
    });
  }
});

test('status counts keys limited, expired, or expiring within 7 days; offline from the cache, judged at the clock', async (t) => {
  let nowMs = Date.parse(AT);
  const inDays = (days: number) => new Date(nowMs + days * 86_400_000).toISOString().replace('Z', '000');
  const keys = [
    key(10001, { status: 'limited', used_bytes: 2048, data_limit_bytes: 2048 }),
    key(10002, { status: 'expired', expires_at: inDays(-1) }),
    key(10003, { expires_at: inDays(3) }),
    key(10004, { expires_at: inDays(9) }),
    key(10005, { is_active: false, expires_at: inDays(2) }),
  ];
  const agent: { config: ConfigStatusReport; keys: ApiKey[]; failure?: KeyportError } = { config: configStatus(), keys };
  const { fleet } = fleetWith(t, agent, () => nowMs);
  assert.deepEqual((await fleet.status('alpha')).keyLimits, { limited: 1, expired: 1, expiringSoon: 1 });
  agent.failure = new KeyportError('server-offline', 'alpha does not answer');
  nowMs += 4 * 86_400_000;
  const offline = await fleet.status('alpha');
  assert.equal(offline.state, 'offline');
  assert.deepEqual(offline.keyLimits, { limited: 1, expired: 2, expiringSoon: 1 }, 'the 3-day key has expired since, the 9-day one comes within 7');
});

test('the port check tries a key the agent serves, not an enabled one its quota or expiry stopped', async (t) => {
  const open = await listening(t);
  const keys = [key(10005, { status: 'limited' }), key(10006, { status: 'expired' }), key(open.port)];
  const { fleet, calls } = fleetWith(t, { config: configStatus(), keys });
  assert.equal((await fleet.status('alpha')).portCheck?.port, open.port);
  assert.ok(calls.includes(`config k${open.port}`), calls.join());
});
