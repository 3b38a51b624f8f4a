import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupPeople, personName, type ServerKeys } from './group-people.ts';
import { personKey } from './testing/fake-agents.ts';

const ANNA = '9b2f4c7e-1a2b-4c3d-8e9f-0123456789ab';
const BOB = '0c0ffee0-1a2b-4c3d-8e9f-0123456789ab';

const serverKeys = (serverId: string, server: string, keys: ServerKeys['keys'], changes: Partial<ServerKeys> = {}): ServerKeys => ({
  serverId, server, keys, source: 'live', syncedAt: '2026-12-02T06:00:00.000Z', monthBytesByKey: new Map(), ...changes,
});

test('keys with one uuid across servers are one person, whatever the letter case of the uuid', () => {
  const people = groupPeople([
    serverKeys('s1', 'paris', [personKey('paris', 'p1', 'anna', ANNA), personKey('paris', 'p2', 'bob', BOB)]),
    serverKeys('s2', 'oslo', [personKey('oslo', 'o1', 'anna', ANNA.toUpperCase())]),
  ]);
  assert.deepEqual(people.map((person) => [person.name, person.uuid, person.keys.map((entry) => `${entry.server}:${entry.key.id}`)]), [
    ['anna', ANNA, ['oslo:o1', 'paris:p1']],
    ['bob', BOB, ['paris:p2']],
  ]);
});

test('a person’s name is their keys’ most common name; a tie goes to the earliest created key’s', () => {
  const at = (created_at: string, name: string) => ({ name, created_at });
  assert.equal(personName([at('2026-01-03T00:00:00', 'Anna'), at('2026-01-01T00:00:00', 'anna phone'), at('2026-01-02T00:00:00', 'Anna')]), 'Anna');
  assert.equal(personName([at('2026-01-03T00:00:00', 'Anna'), at('2026-01-01T00:00:00', 'anna phone')]), 'anna phone');
});

test('usage is summed over the person’s servers: quota periods from the keys, the month from the cached days', () => {
  const [anna] = groupPeople([
    serverKeys('s1', 'paris', [personKey('paris', 'p1', 'anna', ANNA, { used_bytes: 1000 })], { monthBytesByKey: new Map([['p1', 5000]]) }),
    serverKeys('s2', 'oslo', [personKey('oslo', 'o1', 'anna', ANNA, { used_bytes: 24 })], { source: 'cache', monthBytesByKey: new Map([['o1', 70]]) }),
  ]);
  assert.equal(anna!.usedBytes, 1024);
  assert.equal(anna!.monthBytes, 5070);
});

test('the subscription link is one from a server read live, though a cached one sorts first; all are listed', () => {
  const [anna] = groupPeople([
    serverKeys('s1', 'amsterdam', [personKey('amsterdam', 'a1', 'anna', ANNA)], { source: 'cache' }),
    serverKeys('s2', 'oslo', [personKey('oslo', 'o1', 'anna', ANNA)]),
    serverKeys('s3', 'paris', [personKey('paris', 'p1', 'anna', ANNA, { subscription_url: null })]),
  ]);
  assert.equal(anna!.subscriptionUrl, 'https://oslo.example:8443/sub/o1');
  assert.deepEqual(anna!.subscriptionUrls, [
    { server: 'amsterdam', url: 'https://amsterdam.example:8443/sub/a1' },
    { server: 'oslo', url: 'https://oslo.example:8443/sub/o1' },
  ]);
});

test('a person with no subscription link anywhere has null', () => {
  const [anna] = groupPeople([serverKeys('s1', 'paris', [personKey('paris', 'p1', 'anna', ANNA, { subscription_url: null })])]);
  assert.equal(anna!.subscriptionUrl, null);
});
