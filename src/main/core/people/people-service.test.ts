import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { FakeAgent, personKey } from './testing/fake-agents.ts';
import { ANNA, twoServers } from './testing/two-servers.ts';

const BOB = '0c0ffee0-1a2b-4c3d-8e9f-0123456789ab';
const DAY_MS = 86_400_000;

test('add makes one key per server with one fresh uuid and the limits, then gives each key the other’s link', async (t) => {
  const paris = new FakeAgent('paris');
  const oslo = new FakeAgent('oslo');
  const { people } = twoServers(t, paris, oslo);
  const change = await people.add('Анна 📱', ['paris', 'oslo'], { data_limit_bytes: 1024, note: 'family' });
  assert.deepEqual([...paris.keys, ...oslo.keys].map((key) => [key.name, key.uuid, key.data_limit_bytes, key.note]), [
    ['Анна 📱', ANNA, 1024, 'family'],
    ['Анна 📱', ANNA, 1024, 'family'],
  ]);
  assert.deepEqual(paris.bundles.get(paris.keys[0]!.id), [oslo.linkOf(oslo.keys[0]!)]);
  assert.deepEqual(oslo.bundles.get(oslo.keys[0]!.id), [paris.linkOf(paris.keys[0]!)]);
  assert.equal(change.people.length, 1);
  assert.deepEqual(change.people[0]!.keys.map((entry) => entry.server), ['oslo', 'paris']);
  assert.ok(change.outcomes.every((outcome) => outcome.done), JSON.stringify(change.outcomes));
});

test('add refuses a bad limit, a repeated server and an unknown one before sending anything', async (t) => {
  const paris = new FakeAgent('paris');
  const oslo = new FakeAgent('oslo');
  const { people } = twoServers(t, paris, oslo);
  const code = (expected: string, facts: object) => (error: unknown) =>
    error instanceof KeyportError && error.code === expected && Object.entries(facts).every(([name, value]) => error.facts[name] === value);
  await assert.rejects(people.add('anna', ['paris'], { data_limit_bytes: -1 }), code('bad-input', { field: 'data_limit_bytes' }));
  await assert.rejects(people.add(' anna', ['paris']), code('bad-input', { field: 'name', problem: 'bad-name' }));
  await assert.rejects(people.add('anna', ['paris', 's1']), code('bad-input', { problem: 'repeated-server' }));
  await assert.rejects(people.add('anna', ['paris', 'lima']), code('not-found', { unknownServer: 'lima' }));
  assert.deepEqual([...paris.calls, ...oslo.calls], []);
});

test('list groups the fleet’s keys by uuid, an offline server’s from the cache, and sums usage', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA, { used_bytes: 100 }), personKey('paris', 'p2', 'bob', BOB)]);
  const oslo = new FakeAgent('oslo', [personKey('oslo', 'o1', 'anna', ANNA, { used_bytes: 23 })]);
  const { people } = twoServers(t, paris, oslo);
  await people.list();
  oslo.online = false;
  const listed = await people.list();
  assert.deepEqual(listed.people.map((person) => [person.name, person.usedBytes, person.keys.map((entry) => `${entry.server}:${entry.source}`)]), [
    ['anna', 123, ['oslo:cache', 'paris:live']],
    ['bob', 0, ['paris:live']],
  ]);
  assert.equal(listed.people[0]!.subscriptionUrl, 'https://paris.example:8443/sub/p1');
  assert.deepEqual(listed.unavailable, []);
});

test('a server offline and never cached is named as unavailable; the others are listed', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA)]);
  const oslo = new FakeAgent('oslo');
  oslo.online = false;
  const { people } = twoServers(t, paris, oslo);
  const listed = await people.list();
  assert.deepEqual(listed.people.map((person) => person.name), ['anna']);
  assert.deepEqual(listed.unavailable.map((entry) => [entry.server, entry.code]), [['oslo', 'server-offline']]);
});

test('a push to an offline server is reported, and the online one still gets its bundle', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA)]);
  const oslo = new FakeAgent('oslo', [personKey('oslo', 'o1', 'anna', ANNA)]);
  const { people, keys } = twoServers(t, paris, oslo);
  await people.list();
  await keys.config('s2', 'o1');
  oslo.online = false;
  const change = await people.pushBundles('anna');
  assert.deepEqual(paris.bundles.get('p1'), [oslo.linkOf(oslo.keys[0]!)], 'the offline key’s link comes from the cached config');
  assert.deepEqual(change.outcomes.map((outcome) => [outcome.server, outcome.done, outcome.done ? null : outcome.code]), [
    ['oslo', false, 'server-offline'],
    ['paris', true, null],
  ]);
});

test('addServer gives the person a key with their uuid, name and limits; removeServer deletes it, and bundles follow', async (t) => {
  const limits = { data_limit_bytes: 2048, data_limit_reset: 'week' as const, expires_at: '2027-01-01T00:00:00.000000', note: 'n' };
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA, limits)]);
  const oslo = new FakeAgent('oslo');
  const { people } = twoServers(t, paris, oslo);
  await people.addServer(ANNA.toUpperCase(), 'oslo');
  const [added] = oslo.keys;
  assert.deepEqual(added && [added.name, added.uuid, added.data_limit_bytes, added.data_limit_reset, added.expires_at, added.note], ['anna', ANNA, 2048, 'week', limits.expires_at, 'n']);
  assert.deepEqual(paris.bundles.get('p1'), [oslo.linkOf(added!)]);
  await assert.rejects(people.addServer('anna', 'oslo'), (error: unknown) => error instanceof KeyportError && error.facts.problem === 'already-there');

  await people.removeServer('anna', 'oslo');
  assert.deepEqual(oslo.keys, []);
  assert.deepEqual(paris.bundles.get('p1'), []);
  await assert.rejects(people.removeServer('anna', 'oslo'), (error: unknown) => error instanceof KeyportError && error.code === 'not-found');
});

test('remove deletes the person’s keys on every server, and a server that is offline is reported', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA), personKey('paris', 'p2', 'bob', BOB)]);
  const oslo = new FakeAgent('oslo', [personKey('oslo', 'o1', 'anna', ANNA)]);
  const { people } = twoServers(t, paris, oslo);
  await people.list();
  oslo.online = false;
  const change = await people.remove('anna');
  assert.deepEqual(paris.keys.map((key) => key.id), ['p2']);
  assert.deepEqual(change.outcomes.filter((outcome) => !outcome.done).map((outcome) => [outcome.server, outcome.what.split(' ')[0]]), [['oslo', 'deleted'], ['oslo', 'bundles']]);
  assert.deepEqual(change.people.map((person) => person.keys.map((entry) => entry.server)), [['oslo']], 'the key on the offline server is left, and shown');
});

test('a name two people share is refused with their uuids; an unknown person is not-found', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA)]);
  const oslo = new FakeAgent('oslo', [personKey('oslo', 'o1', 'Anna', BOB)]);
  const { people } = twoServers(t, paris, oslo);
  await assert.rejects(people.show('anna'), (error: unknown) => error instanceof KeyportError && error.facts.problem === 'ambiguous-person' && error.message.includes(BOB));
  await assert.rejects(people.show('zed'), (error: unknown) => error instanceof KeyportError && error.code === 'not-found' && error.facts.unknownPerson === 'zed');
  assert.deepEqual((await people.show(BOB)).links, [{ server: 'oslo', keyId: 'o1', vlessUrl: oslo.linkOf(oslo.keys[0]!) }]);
});

test('move creates the people of A on B with their uuids, names and limits, and every bundle lists both', async (t) => {
  const paris = new FakeAgent('paris', [
    personKey('paris', 'p1', 'anna', ANNA, { data_limit_bytes: 4096, data_limit_reset: 'month', used_bytes: 4000 }),
    personKey('paris', 'p2', 'bob', BOB),
  ]);
  const oslo = new FakeAgent('oslo');
  const { people } = twoServers(t, paris, oslo);
  const result = await people.move({ from: 'paris', to: 'oslo', all: true });
  assert.deepEqual(oslo.keys.map((key) => [key.name, key.uuid, key.data_limit_bytes, key.data_limit_reset, key.used_bytes]), [
    ['anna', ANNA, 4096, 'month', 0],
    ['bob', BOB, null, 'no_reset', 0],
  ]);
  assert.ok(oslo.calls.includes('createKeys') && !oslo.calls.includes('createKey'), 'one bulk create');
  for (const key of paris.keys) assert.deepEqual(paris.bundles.get(key.id), [oslo.linkOf(oslo.keys.find((other) => other.uuid === key.uuid)!)]);
  for (const key of oslo.keys) assert.deepEqual(oslo.bundles.get(key.id), [paris.linkOf(paris.keys.find((other) => other.uuid === key.uuid)!)]);
  assert.deepEqual(result.plan.map((entry) => entry.action), ['create', 'create']);
  assert.deepEqual(result.pending, []);
  assert.ok(paris.keys.every((key) => key.is_active), 'no grace period given: A keeps its keys');
});

test('move of named people only, with --disable-now semantics, disables them on A and drops A from B’s bundles', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA), personKey('paris', 'p2', 'bob', BOB)]);
  const oslo = new FakeAgent('oslo');
  const { people } = twoServers(t, paris, oslo);
  await people.move({ from: 'paris', to: 'oslo', people: ['anna'], disableAfterMs: 0 });
  assert.deepEqual(oslo.keys.map((key) => key.uuid), [ANNA]);
  assert.deepEqual(paris.keys.map((key) => [key.id, key.is_active]), [['p1', false], ['p2', true]]);
  assert.deepEqual(oslo.bundles.get(oslo.keys[0]!.id), []);
  assert.deepEqual(paris.bundles.get('p1'), [oslo.linkOf(oslo.keys[0]!)], 'the disabled key on A still points its app at B');
});

test('a grace period survives the console closing: the first People call once it passed disables the keys on A', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA)]);
  const oslo = new FakeAgent('oslo');
  const { people, reopen, clock } = twoServers(t, paris, oslo);
  const result = await people.move({ from: 'paris', to: 'oslo', all: true, disableAfterMs: 7 * DAY_MS });
  assert.deepEqual(result.pending.map((entry) => [entry.keyId, entry.dueAt]), [['p1', '2026-12-09T06:00:00.000Z']]);

  clock.ms += 7 * DAY_MS - 1;
  const early = await reopen().list();
  assert.deepEqual(early.disabledNow, []);
  assert.equal(early.pending.length, 1);
  assert.equal(paris.keys[0]!.is_active, true);

  clock.ms += 1;
  paris.online = false;
  const offline = await reopen().list();
  assert.deepEqual(offline.disabledNow.filter((outcome) => !outcome.done).map((outcome) => [outcome.server, outcome.what.split(' ')[0]]), [['paris', 'disabled'], ['paris', 'bundles']]);
  assert.equal(offline.pending.length, 1, 'kept for the next call');

  paris.online = true;
  const later = await reopen().list();
  assert.ok(later.disabledNow.some((outcome) => outcome.done && outcome.server === 'paris' && outcome.what.includes('p1')));
  assert.deepEqual(later.pending, []);
  assert.equal(paris.keys[0]!.is_active, false);
  assert.deepEqual(oslo.bundles.get(oslo.keys[0]!.id), [], 'B’s bundle no longer offers the disabled key on A');
});

test('move skips people B has already and reports names another key of B has; it refuses bad requests', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA), personKey('paris', 'p2', 'bob', BOB)]);
  const oslo = new FakeAgent('oslo', [personKey('oslo', 'o1', 'anna', ANNA), personKey('oslo', 'o2', 'BOB', '11111111-1a2b-4c3d-8e9f-0123456789ab')]);
  const { people } = twoServers(t, paris, oslo);
  const result = await people.move({ from: 'paris', to: 'oslo', all: true });
  assert.deepEqual(result.plan.map((entry) => [entry.name, entry.action]), [['anna', 'present'], ['bob', 'name-taken']]);
  assert.ok(!oslo.calls.includes('createKeys'));
  assert.deepEqual(result.outcomes.filter((outcome) => !outcome.done).map((outcome) => [outcome.server, outcome.done ? null : outcome.code]), [['oslo', 'name-taken']]);
  const badInput = (problem: string) => (error: unknown) => error instanceof KeyportError && error.facts.problem === problem;
  await assert.rejects(people.move({ from: 'paris', to: 's1', all: true }), badInput('same-server'));
  await assert.rejects(people.move({ from: 'paris', to: 'oslo' }), badInput('people-or-all'));
  await assert.rejects(people.move({ from: 'paris', to: 'oslo', all: true, people: ['anna'] }), badInput('people-or-all'));
  await assert.rejects(people.move({ from: 'paris', to: 'oslo', all: true, disableAfterMs: -1 }), badInput('bad-grace'));
});

test('a person is found by name as key names are compared (NFC, without case)', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'Straße', ANNA)]);
  const { people } = twoServers(t, paris, new FakeAgent('oslo'));
  assert.equal((await people.show('STRASSE')).person.uuid, ANNA);
});

const CAROL = 'ca401000-1a2b-4c3d-8e9f-0123456789ab';
const usageWrites = (agent: FakeAgent) => agent.bundleWrites.map((batch) => batch.map(({ key_id, links, usage }) => [key_id, links === undefined ? 'links kept' : links.length, usage && [usage.used_bytes, usage.limit_bytes]]));

test('a push writes each server’s bundles in one bulk call, each with the person’s usage on their other servers', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA, { used_bytes: 100, data_limit_bytes: 1000 })]);
  const oslo = new FakeAgent('oslo', [personKey('oslo', 'o1', 'anna', ANNA, { used_bytes: 23, data_limit_bytes: 2000 })]);
  const { people } = twoServers(t, paris, oslo);
  const change = await people.pushBundles('anna');
  assert.ok(change.outcomes.every((outcome) => outcome.done), JSON.stringify(change.outcomes));
  assert.deepEqual(usageWrites(paris), [[['p1', 1, [23, 2000]]]]);
  assert.deepEqual(usageWrites(oslo), [[['o1', 1, [100, 1000]]]]);
  assert.match(paris.usage.get('p1')!.synced_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.deepEqual(await people.pushChangedUsage(), [], 'the figures pushed are noted: nothing changed since');
});

test('move writes the bundles of all the people moved in one bulk call per server', async (t) => {
  const paris = new FakeAgent('paris', [
    personKey('paris', 'p1', 'anna', ANNA, { data_limit_bytes: 4096, used_bytes: 4000 }),
    personKey('paris', 'p2', 'bob', BOB),
    personKey('paris', 'p3', 'carol', CAROL),
  ]);
  const oslo = new FakeAgent('oslo');
  const { people } = twoServers(t, paris, oslo);
  await people.move({ from: 'paris', to: 'oslo', all: true });
  assert.deepEqual([paris, oslo].map((agent) => agent.calls.filter((call) => call.startsWith('putBundles'))), [['putBundles 3'], ['putBundles 3']]);
  // anna's new key on oslo starts its period at 0; her key on paris counts 4000 of 4096.
  assert.deepEqual(usageWrites(oslo)[0]!.find(([keyId]) => keyId === oslo.keys.find((key) => key.uuid === ANNA)!.id), [oslo.keys[0]!.id, 1, [4000, 4096]]);
  assert.deepEqual(usageWrites(paris)[0]!.find(([keyId]) => keyId === 'p1'), ['p1', 1, [0, 4096]]);
  assert.deepEqual(usageWrites(paris)[0]!.find(([keyId]) => keyId === 'p2'), ['p2', 1, [0, null]]);
});

test('after a sync only the keys whose person’s figures elsewhere changed get them, usage alone, and a failed push is tried again', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA, { used_bytes: 100, data_limit_bytes: 1000 }), personKey('paris', 'p2', 'bob', BOB)]);
  const oslo = new FakeAgent('oslo', [personKey('oslo', 'o1', 'anna', ANNA, { used_bytes: 23, data_limit_bytes: 2000 })]);
  const { people, keys } = twoServers(t, paris, oslo);
  await people.list();
  const first = await people.pushChangedUsage();
  assert.deepEqual(first.map((outcome) => [outcome.server, outcome.done]), [['paris', true], ['oslo', true]]);
  assert.deepEqual(usageWrites(paris), [[['p1', 'links kept', [23, 2000]]]], 'bob is on one server: nothing to push for him');
  assert.deepEqual(usageWrites(oslo), [[['o1', 'links kept', [100, 1000]]]]);
  assert.ok(![...paris.calls, ...oslo.calls].includes('getKeyConfig'), 'usage alone needs no link');

  oslo.keys[0]!.used_bytes = 500;
  await keys.list('s2');
  await people.pushChangedUsage();
  assert.deepEqual(usageWrites(paris).slice(1), [[['p1', 'links kept', [500, 2000]]]]);
  assert.equal(oslo.bundleWrites.length, 1, 'oslo’s figures changed, not paris’s: nothing for oslo');

  paris.keys[0]!.used_bytes = 900;
  await keys.list('s1');
  oslo.online = false;
  const offline = await people.pushChangedUsage();
  assert.deepEqual(offline.map((outcome) => [outcome.server, outcome.done, outcome.done ? null : outcome.code]), [['oslo', false, 'server-offline']]);
  oslo.online = true;
  await people.pushChangedUsage();
  assert.deepEqual(usageWrites(oslo).slice(1), [[['o1', 'links kept', [900, 1000]]]]);
  assert.deepEqual(await people.pushChangedUsage(), []);
});

test('a key deleted on its server since the cache read it is left out of the bulk write, and the others are written', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA, { used_bytes: 1, data_limit_bytes: 10 }), personKey('paris', 'p3', 'carol', CAROL, { used_bytes: 2, data_limit_bytes: 20 })]);
  const oslo = new FakeAgent('oslo', [personKey('oslo', 'o1', 'anna', ANNA), personKey('oslo', 'o3', 'carol', CAROL)]);
  const { people } = twoServers(t, paris, oslo);
  await people.list();
  oslo.keys = oslo.keys.filter((key) => key.id !== 'o1');
  const outcomes = await people.pushChangedUsage();
  assert.ok(outcomes.every((outcome) => outcome.done), JSON.stringify(outcomes));
  assert.deepEqual(usageWrites(oslo), [[['o3', 'links kept', [2, 20]]]]);
});
