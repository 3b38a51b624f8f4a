import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerProblem } from '../../../shared/contract/server-health.ts';
import type { ServerInfo, ServerState, ServerStatus } from '../../../shared/contract/servers.ts';
import type { Loadable } from './loadable.ts';
import { contactOfAnswer, contactOfFailure, contactOfStatus, mergedContact, serverCondition, type ServerContact } from './server-condition.ts';

const AT = '2026-12-03T12:00:00.000Z';
const NOW = Date.parse(AT);
const SERVER: ServerInfo = {
  id: 's1', name: 'alpha', target: { host: '203.0.113.7', port: 22, user: 'root', auth: { method: 'agent' }, proxyJump: [] }, sshAlias: null,
  hostKeyFingerprint: 'SHA256:x', addedAt: AT, agent: { version: '0.1.0', release: 'r1', deployedAt: AT, apiPort: 8000 }, lastSyncedAt: AT,
};
const OFFLINE_REASON = 'Cannot reach root@203.0.113.7:22: connect ECONNREFUSED 203.0.113.7:22.';

function statusOf(state: ServerState, changes: Partial<ServerStatus> = {}): ServerStatus {
  return {
    server: SERVER, state, reason: state === 'online' ? null : OFFLINE_REASON, agentVersion: '0.1.0', agentOutdated: false, xrayVersion: '26.7.28',
    xrayVersionSupport: null, keyCount: 3, activeKeyCount: 2, keyLimits: null, xray: null, portCheck: null, problems: [], ...changes,
  };
}
const loaded = (status: ServerStatus): Loadable<ServerStatus> => ({ value: status, loading: false, error: null });
/** What the console knows after a status check alone, as the fleet store files it. */
const checked = (status: ServerStatus) => ({ status: loaded(status), deployRunning: false, contact: contactOfStatus(status, NOW) });
const problem = (code: ServerProblem['code']): ServerProblem =>
  ({
    'xray-missing': { code, fix: 'install-xray', binaryPath: '/usr/local/bin/xray' },
    'xray-down': { code, fix: 'sync-config', lastError: null },
    'xray-out-of-sync': { code, fix: 'sync-config', expectedInbounds: 2, missingInbounds: 1, extraInbounds: 0, changedInbounds: 0 },
    'firewall-out-of-sync': { code, fix: 'sync-config' },
  })[code as 'xray-missing'] as ServerProblem;

test('an online server with nothing wrong is online, and takes changes', () => {
  assert.deepEqual(serverCondition(checked(statusOf('online'))), { state: 'online', canChange: true, reason: null, retryAt: null });
});

test('Xray missing, down, or out of sync (Xray or the firewall) is never green: the worst problem names the state, changes still go', () => {
  const cases: [ServerProblem['code'][], string][] = [
    [['xray-missing'], 'xray-missing'],
    [['xray-down'], 'xray-down'],
    [['xray-out-of-sync'], 'out-of-sync'],
    [['firewall-out-of-sync'], 'out-of-sync'],
    [['xray-down', 'xray-out-of-sync'], 'xray-down'],
  ];
  for (const [codes, state] of cases) {
    const condition = serverCondition(checked(statusOf('online', { problems: codes.map(problem) })));
    assert.deepEqual([condition.state, condition.canChange], [state, true], codes.join(', '));
  }
  assert.equal(serverCondition(checked(statusOf('online', { agentOutdated: true }))).state, 'agent-outdated');
});

test('a changed or unknown host key is its state, with no retry to count down (it waits for the admin), and takes no changes', () => {
  for (const state of ['host-key-changed', 'host-key-unknown'] as const) {
    assert.deepEqual(serverCondition(checked(statusOf(state, { reason: 'the host key changed' }))), { state, canChange: false, reason: 'the host key changed', retryAt: null });
  }
});

test('offline and agent down say why once, with when the link tries again', () => {
  assert.deepEqual(serverCondition(checked(statusOf('offline', { retryInMs: 8_000 }))), { state: 'offline', canChange: false, reason: OFFLINE_REASON, retryAt: NOW + 8_000 });
  assert.deepEqual(serverCondition(checked(statusOf('agent-down'))), { state: 'agent-down', canChange: false, reason: OFFLINE_REASON, retryAt: null });
});

test('not deployed takes no changes; a deploy running is "deploying", whatever else is known', () => {
  assert.deepEqual(serverCondition(checked(statusOf('not-deployed', { reason: null }))), { state: 'not-deployed', canChange: false, reason: null, retryAt: null });
  const deploying = serverCondition({ ...checked(statusOf('offline')), deployRunning: true });
  assert.deepEqual([deploying.state, deploying.canChange, deploying.reason], ['deploying', false, null]);
});

test('before any status it is checking (changes not held back), and unknown once the check itself failed', () => {
  assert.deepEqual(serverCondition({ status: undefined, deployRunning: false, contact: undefined }), { state: 'checking', canChange: true, reason: null, retryAt: null });
  assert.equal(serverCondition({ status: { loading: false, error: 'the bridge closed' }, deployRunning: false, contact: undefined }).state, 'unknown');
});

test('a call after an online status that found the server out of reach turns it offline at once, with that call’s words and retry', () => {
  const online = checked(statusOf('online', { problems: [problem('xray-missing')] }));
  const refused = contactOfFailure('server-offline', { retryInMs: 4_000 }, OFFLINE_REASON, NOW + 1_000)!;
  assert.deepEqual(serverCondition({ ...online, contact: refused }), { state: 'offline', canChange: false, reason: OFFLINE_REASON, retryAt: NOW + 5_000 });
  const agentDown = contactOfFailure('server-offline', { unreachable: 'agent' }, 'the agent does not answer', NOW)!;
  assert.equal(serverCondition({ ...online, contact: agentDown }).state, 'agent-down');
  const hostKey = contactOfFailure('host-key-changed', {}, 'the host key changed', NOW)!;
  assert.deepEqual([serverCondition({ ...online, contact: hostKey }).state, hostKey.reached ? null : hostKey.retryAt], ['host-key-changed', null]);
  // Keys served from the cache say it did not answer, though not why: the status's reason is all there is.
  const cached = contactOfAnswer({ data: [], source: 'cache', syncedAt: AT }, NOW);
  assert.deepEqual(serverCondition({ ...online, contact: cached }), { state: 'offline', canChange: false, reason: null, retryAt: null });
});

test('a call that got through after an offline status is "checking" until the status is read again', () => {
  const offline = checked(statusOf('offline', { retryInMs: 8_000 }));
  const answered: ServerContact = contactOfAnswer({ data: [], source: 'live', syncedAt: AT }, NOW + 9_000);
  assert.deepEqual(serverCondition({ ...offline, contact: answered }), { state: 'checking', canChange: true, reason: null, retryAt: null });
});

test('failures that say nothing about reaching the server leave its state alone', () => {
  assert.equal(contactOfFailure('name-taken', { server: 'alpha' }, 'taken', NOW), undefined);
  assert.equal(contactOfFailure(undefined, undefined, 'bridge closed', NOW), undefined);
});

test('a later call that says the same as the status keeps the status’s words, with the newer retry time; one that differs replaces it', () => {
  const offline = contactOfStatus(statusOf('offline', { retryInMs: 8_000 }), NOW);
  const wrapped = contactOfFailure('server-offline', { retryInMs: 16_000 }, `alpha is offline and this view was not cached before (${OFFLINE_REASON})`, NOW + 9_000)!;
  assert.deepEqual(mergedContact(offline, wrapped), { ...offline, retryAt: NOW + 25_000 });
  const cached = contactOfAnswer({ data: [], source: 'cache', syncedAt: AT }, NOW + 1_000);
  assert.equal(mergedContact(offline, cached), offline, 'a read from the cache adds nothing');
  const answered = contactOfAnswer({ data: [], source: 'live', syncedAt: AT }, NOW + 2_000);
  assert.equal(mergedContact(offline, answered), answered);
  const online = contactOfStatus(statusOf('online'), NOW);
  assert.equal(mergedContact(online, answered), online);
  assert.equal(mergedContact(online, wrapped), wrapped);
});
