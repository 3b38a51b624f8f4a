import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { FakeAgent, personKey } from './testing/fake-agents.ts';
import { ANNA, twoServers } from './testing/two-servers.ts';

test('rotating a person’s subscription gives every key serving one a new token, and the cache keeps the new links', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA)]);
  const oslo = new FakeAgent('oslo', [personKey('oslo', 'o1', 'anna', ANNA), personKey('oslo', 'o2', 'bob', '0c0ffee0-1a2b-4c3d-8e9f-0123456789ab')]);
  const { people } = twoServers(t, paris, oslo);
  const before = (await people.list()).people.find((person) => person.uuid === ANNA)!;

  const change = await people.rotateSubscription('anna');
  assert.deepEqual(change.outcomes.map((outcome) => [outcome.server, outcome.done]), [['oslo', true], ['paris', true]]);
  assert.deepEqual(oslo.calls.filter((call) => call.startsWith('rotate')), ['rotateKeySubscription o1'], 'bob keeps his link');
  const after = change.people[0]!;
  assert.equal(after.subscriptionUrls.length, 2);
  for (const { server, url } of after.subscriptionUrls) {
    assert.notEqual(url, before.subscriptionUrls.find((entry) => entry.server === server)!.url, `${server}'s link is new`);
  }
  assert.deepEqual(after.subscriptionUrls.map((entry) => entry.url), [oslo.keys[0]!.subscription_url, paris.keys[0]!.subscription_url]);

  paris.online = false;
  oslo.online = false;
  const cached = (await people.list()).people.find((person) => person.uuid === ANNA)!;
  assert.deepEqual(cached.subscriptionUrls, after.subscriptionUrls, 'offline, the cache answers the rotated links');
});

test('a server that cannot be reached is reported and keeps its old link; the others rotate', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA)]);
  const oslo = new FakeAgent('oslo', [personKey('oslo', 'o1', 'anna', ANNA)]);
  const { people } = twoServers(t, paris, oslo);
  await people.list();
  oslo.online = false;
  const change = await people.rotateSubscription(ANNA);
  assert.deepEqual(change.outcomes.map((outcome) => [outcome.server, outcome.done, outcome.done ? null : outcome.code]), [
    ['oslo', false, 'server-offline'],
    ['paris', true, null],
  ]);
  assert.equal(oslo.keys[0]!.subscription_url, 'https://oslo.example:8443/sub/o1');
  assert.notEqual(paris.keys[0]!.subscription_url, 'https://paris.example:8443/sub/p1');
});

test('a person none of whose servers serves subscriptions is refused, and nothing is sent', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA, { subscription_url: null })]);
  const oslo = new FakeAgent('oslo');
  const { people } = twoServers(t, paris, oslo);
  await assert.rejects(
    people.rotateSubscription('anna'),
    (error: unknown) => error instanceof KeyportError && error.code === 'bad-input' && error.facts.problem === 'no-subscriptions' && error.facts.person === ANNA,
  );
  assert.deepEqual(paris.calls.filter((call) => call.startsWith('rotate')), []);
});
