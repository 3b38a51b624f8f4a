import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerProblem } from '../../../shared/contract/server-health.ts';
import { linkWarning, portCheckDetail, problemDetail, problemTitle } from './problem-words.ts';

const MISSING: ServerProblem = { code: 'xray-missing', fix: 'install-xray', binaryPath: '/usr/local/bin/xray' };
const BLOCKED: ServerProblem = { code: 'port-unreachable', fix: 'open-firewall', host: '203.0.113.7', port: 10001, keyPorts: { from: 10001, to: 29999 }, failure: 'timeout' };

test('a blocked key port says which range to open in the provider’s firewall', () => {
  assert.equal(problemTitle(BLOCKED), 'Key ports blocked');
  assert.equal(
    problemDetail(BLOCKED),
    "Port 10001 is not reachable from here: open 10001-29999/tcp in your provider's firewall. Connecting to 203.0.113.7:10001 got no answer (packets dropped), so the keys' links cannot connect.",
  );
  assert.match(problemDetail({ ...BLOCKED, keyPorts: null }), /open 10001\/tcp and the rest of the key port range/);
});

test('an Xray out of sync counts the keys whose links do not work', () => {
  const problem: ServerProblem = { code: 'xray-out-of-sync', fix: 'sync-config', expectedInbounds: 3, missingInbounds: 1, extraInbounds: 2, changedInbounds: 0 };
  assert.equal(problemDetail(problem), "Xray serves 2 of 3 active keys: 1 key's link does not work. 2 inbounds of no active key still served. Sync now to fix it.");
});

test('creating a key warns while anything but the firewall’s counting stands in its link’s way', () => {
  assert.equal(linkWarning([]), null);
  assert.equal(linkWarning([{ code: 'firewall-out-of-sync', fix: 'sync-config' }]), null);
  assert.equal(linkWarning([MISSING]), 'A key created now will not work yet: Xray is not installed on this server.');
  assert.equal(linkWarning([MISSING], 'anna'), 'The link of anna will not work yet: Xray is not installed on this server.');
  assert.match(linkWarning([BLOCKED]) ?? '', /not reachable from here/);
});

test('a port check that answered says the links can connect', () => {
  const check = { host: 'h', port: 10001, keyName: 'a', reachable: true, failure: null, errorCode: null, timeoutMs: 3000, keyPorts: null, checkedAt: '' };
  assert.equal(portCheckDetail(check), "Port 10001 on h answers from here: keys' links can connect.");
});

test('an Xray newer than the checked release, a second Xray or routing drift do not make a new link fail; an Xray too old does', () => {
  const newer: ServerProblem = { code: 'xray-version-unsupported', fix: 'install-xray', version: '27.1.1', support: 'newer-than-checked', reason: 'is newer' };
  assert.equal(linkWarning([newer, { code: 'xray-duplicate', fix: 'sync-config', pids: [4343] }]), null);
  assert.match(linkWarning([{ ...newer, version: '1.8.4', support: 'too-old' }]) ?? '', /will not work yet: the installed Xray is not supported/);
  assert.match(problemDetail({ code: 'routing-out-of-sync', fix: 'sync-config', privateDestinationsBlocked: false }), /no longer keeps VPN users off the server/);
});
