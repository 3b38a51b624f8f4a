import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverProblems } from './server-problems.ts';
import { configStatus, inboundDiff as diff, NOT_RUNNING } from './testing/config-status.ts';
import { xrayHealthOf } from './xray-health.ts';

test('an Xray that runs and serves exactly the active keys is ok, and nothing is wrong', () => {
  const health = xrayHealthOf(configStatus());
  assert.equal(health.state, 'ok');
  assert.deepEqual(serverProblems(health, null), []);
});

test('no binary is "missing", whose fix is installing Xray', () => {
  const health = xrayHealthOf(
    configStatus((xray) => {
      xray.binary = { path: '/usr/local/bin/xray', installed: false, version: null, version_support: { version: null, support: 'unknown', minimum: '1.8.12', checked: '26.7.28' } };
      xray.process = NOT_RUNNING;
      xray.api.reachable = false;
      xray.in_sync = false;
      xray.live = null;
      xray.last_apply = { at_ms: 1, method: 'start', ok: false, detail: 'spawn /usr/local/bin/xray ENOENT' };
    }),
  );
  assert.equal(health.state, 'missing');
  assert.equal(health.missingInbounds, 2, 'no Xray serves any of the two');
  assert.deepEqual(serverProblems(health, null), [{ code: 'xray-missing', fix: 'install-xray', binaryPath: '/usr/local/bin/xray' }]);
});

test('an installed Xray that does not run is "down", with the agent’s last error, fixed by a sync', () => {
  const health = xrayHealthOf(
    configStatus((xray) => {
      xray.process = NOT_RUNNING;
      xray.live = null;
      xray.in_sync = false;
      xray.last_apply = { at_ms: 1, method: 'start', ok: false, detail: 'Failed to start: listen tcp :10001: bind: address already in use' };
    }),
  );
  assert.equal(health.state, 'down');
  assert.deepEqual(serverProblems(health, null), [
    { code: 'xray-down', fix: 'sync-config', lastError: 'Failed to start: listen tcp :10001: bind: address already in use' },
  ]);
});

test('a running Xray with the API silent is "api-unreachable"', () => {
  const health = xrayHealthOf(
    configStatus((xray) => {
      xray.api = { address: '127.0.0.1:10085', reachable: false, error: 'connection refused' };
      xray.live = null;
    }),
  );
  assert.equal(health.state, 'api-unreachable');
  assert.deepEqual(serverProblems(health, null), [{ code: 'xray-api-unreachable', fix: 'sync-config', error: 'connection refused' }]);
});

test('live inbounds that differ from the keys are "out-of-sync", counted; a firewall out of step is its own problem', () => {
  const report = configStatus((xray) => {
    xray.in_sync = false;
    xray.live = { inbounds: 2, ...diff(['key-a'], ['key-old']) };
  });
  report.firewall.in_sync = false;
  const health = xrayHealthOf(report);
  assert.equal(health.state, 'out-of-sync');
  assert.deepEqual(serverProblems(health, null), [
    { code: 'xray-out-of-sync', fix: 'sync-config', expectedInbounds: 2, missingInbounds: 1, extraInbounds: 1, changedInbounds: 0 },
    { code: 'firewall-out-of-sync', fix: 'sync-config' },
  ]);
});

test('a key port that did not answer from here is a problem naming the host, the port and the range to open', () => {
  const check = {
    host: 'vpn.example.com',
    port: 10001,
    keyName: 'anna',
    reachable: false,
    failure: 'timeout' as const,
    errorCode: null,
    timeoutMs: 3000,
    keyPorts: { from: 10001, to: 29999 },
    checkedAt: '2025-08-05T12:00:00.000Z',
  };
  assert.deepEqual(serverProblems(xrayHealthOf(configStatus()), check), [
    { code: 'port-unreachable', fix: 'open-firewall', host: 'vpn.example.com', port: 10001, keyPorts: { from: 10001, to: 29999 }, failure: 'timeout' },
  ]);
  assert.deepEqual(serverProblems(xrayHealthOf(configStatus()), { ...check, reachable: true, failure: null }), []);
});

test('keys Xray does not serve, a second Xray and an unprotected routing are each named with their facts', () => {
  const report = configStatus((xray) => {
    xray.in_sync = false;
    xray.not_serving = [{ key_id: 'k2', port: 10002, problem: 'port-taken', detail: 'port 10002 is held by pid 77 (nginx)', holders: [{ pid: 77, command: 'nginx' }] }];
    xray.stray_processes = [{ pid: 4343, command: 'xray run -c /var/lib/keyport/xray-config.json' }];
    xray.config_file.routing = { in_sync: false, private_destinations_blocked: false, detail: 'missing' };
  });
  const health = xrayHealthOf(report);
  assert.equal(health.state, 'out-of-sync');
  assert.deepEqual(serverProblems(health, null, new Map([['k2', 'Мама 📱']])), [
    { code: 'keys-not-serving', fix: 'sync-config', keys: [{ keyId: 'k2', name: 'Мама 📱', reason: 'port 10002 is held by pid 77 (nginx)' }] },
    { code: 'xray-duplicate', fix: 'sync-config', pids: [4343] },
    { code: 'routing-out-of-sync', fix: 'sync-config', privateDestinationsBlocked: false },
  ]);
});

test('an Xray older than the agent needs, or newer than Keyport was checked against, is named with its version', () => {
  const at = (version: string, support: 'too-old' | 'newer-than-checked') =>
    serverProblems(xrayHealthOf(configStatus((xray) => void (xray.binary.version_support = { version, support, minimum: '1.8.12', checked: '26.7.28' }))), null);
  assert.deepEqual(at('1.8.4', 'too-old'), [
    { code: 'xray-version-unsupported', fix: 'install-xray', version: '1.8.4', support: 'too-old', reason: 'is older than 1.8.12, the oldest release whose config the agent writes' },
  ]);
  assert.deepEqual(at('27.1.1', 'newer-than-checked'), [
    { code: 'xray-version-unsupported', fix: 'install-xray', version: '27.1.1', support: 'newer-than-checked', reason: 'is newer than 26.7.28, the release Keyport was checked against' },
  ]);
});

test("a running Xray's pid, inbounds and usage are carried; an agent that does not report usage gives nulls", () => {
  const health = xrayHealthOf(configStatus());
  assert.deepEqual([health.pid, health.liveInbounds, health.rssBytes, health.openFds, health.openFilesLimit], [4242, 2, 48 * 1024 * 1024, 14, 524_288]);
  const older = configStatus((xray) => {
    xray.process = { running: true, pid: 4242 } as typeof xray.process;
    xray.live = null;
  });
  const olderHealth = xrayHealthOf(older);
  assert.deepEqual([olderHealth.pid, olderHealth.liveInbounds, olderHealth.rssBytes, olderHealth.openFds, olderHealth.openFilesLimit], [4242, null, null, null, null]);
});
