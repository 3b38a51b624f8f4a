import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MoveProgress } from '../../../shared/contract/people.ts';
import { FakeAgent, personKey } from './testing/fake-agents.ts';
import { ANNA, twoServers } from './testing/two-servers.ts';

const BOB = '0c0ffee0-1a2b-4c3d-8e9f-0123456789ab';
const CAROL = 'ca501000-1a2b-4c3d-8e9f-0123456789ab';

test('a move tells each step as it goes: the plan, the keys made on B, the disables on A, then the bundles', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA), personKey('paris', 'p2', 'bob', BOB), personKey('paris', 'p3', 'carol', CAROL)]);
  const oslo = new FakeAgent('oslo', [personKey('oslo', 'o1', 'carol', CAROL)]);
  const { people } = twoServers(t, paris, oslo);
  const heard: MoveProgress[] = [];
  await people.move({ from: 'paris', to: 'oslo', all: true, disableAfterMs: 0 }, (progress) => heard.push(progress));
  assert.deepEqual(heard, [
    { step: 'planned', done: 0, total: 3 },
    { step: 'creating', done: 0, total: 2 },
    { step: 'creating', done: 2, total: 2 },
    { step: 'disabling', done: 0, total: 3 },
    { step: 'disabling', done: 1, total: 3 },
    { step: 'disabling', done: 2, total: 3 },
    { step: 'disabling', done: 3, total: 3 },
    { step: 'bundles', done: 0, total: 3 },
  ]);
});

test('a failed batch stops the creating count where it stood, and no disables are told when none are asked for', async (t) => {
  const paris = new FakeAgent('paris', [personKey('paris', 'p1', 'anna', ANNA)]);
  const oslo = new FakeAgent('oslo');
  const { people } = twoServers(t, paris, oslo);
  await people.list();
  const client = oslo.client.bind(oslo);
  oslo.client = () => ({ ...client(), createKeys: async () => Promise.reject(new Error('disk full')) });
  const heard: MoveProgress[] = [];
  const result = await people.move({ from: 'paris', to: 'oslo', people: ['anna'] }, (progress) => heard.push(progress));
  assert.deepEqual(heard.map((progress) => `${progress.step} ${progress.done}/${progress.total}`), ['planned 0/1', 'creating 0/1', 'bundles 0/0']);
  assert.deepEqual(result.outcomes.filter((outcome) => !outcome.done).map((outcome) => outcome.done ? null : [outcome.server, outcome.message]), [['oslo', 'disk full']]);
});
