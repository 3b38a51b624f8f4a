import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PeopleList, Person } from '../../../../shared/contract/people.ts';
import type { ServerInfo, ServerStatus } from '../../../../shared/contract/servers.ts';
import type { Loadable } from '../../state/loadable.ts';
import { serverReach } from './server-reach.ts';

const AT = '2026-12-02T12:00:00.000Z';
const oslo: ServerInfo = {
  id: 's2', name: 'oslo', target: { host: 'oslo.example', port: 22, user: 'root', auth: { method: 'agent' }, proxyJump: [] }, sshAlias: null,
  hostKeyFingerprint: 'SHA256:x', addedAt: AT, agent: { version: '0.1.0', release: 'r1', deployedAt: AT, apiPort: 8000 }, lastSyncedAt: AT,
};
const status = (state: ServerStatus['state'], reason: string | null = null): Loadable<ServerStatus> => ({
  loading: false, error: null,
  value: {
    server: oslo, state, reason, agentVersion: null, agentOutdated: false, xrayVersion: null, xrayVersionSupport: null, keyCount: null,
    activeKeyCount: null, keyLimits: null, xray: null, portCheck: null, problems: [],
  },
});
const listWith = (source: 'live' | 'cache', unavailable: PeopleList['unavailable'] = []): PeopleList => {
  const anna = { uuid: 'u1', name: 'anna', keys: [{ serverId: 's2', server: 'oslo', source, syncedAt: AT }] } as unknown as Person;
  return { people: [anna], unavailable, disabledNow: [], pending: [] };
};

test('a deployed server is reachable while neither its status nor the people list says otherwise', () => {
  assert.deepEqual(serverReach(oslo, undefined, undefined), { reachable: true });
  assert.deepEqual(serverReach(oslo, status('online'), listWith('live')), { reachable: true });
});

test('its status says why it is not, with the reason it gave', () => {
  assert.deepEqual(serverReach(oslo, status('offline', 'no answer on 203.0.113.5:22'), undefined), { reachable: false, why: 'oslo is offline: no answer on 203.0.113.5:22' });
  assert.deepEqual(serverReach(oslo, status('agent-down'), undefined), { reachable: false, why: 'oslo answers SSH but its agent does not' });
  assert.deepEqual(serverReach({ ...oslo, agent: null }, undefined, undefined), { reachable: false, why: 'oslo has no agent yet: deploy it first' });
});

test('the people list read its keys from the cache, or could not read them: not reachable, though its last status said online', () => {
  assert.deepEqual(serverReach(oslo, status('online'), listWith('cache')), { reachable: false, why: 'oslo did not answer: its keys are shown as last synced' });
  const unavailable = listWith('live', [{ server: 'oslo', code: 'server-offline', message: 'oslo is offline and this view was not cached before' }]);
  assert.deepEqual(serverReach(oslo, undefined, unavailable), { reachable: false, why: 'oslo is offline and this view was not cached before' });
});
