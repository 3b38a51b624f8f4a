import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MoveResult, Person } from '../../../../shared/contract/people.ts';
import { moveProgressWords, moveSummary } from './move-summary.ts';

const personOn = (uuid: string, name: string, servers: string[]) => ({ uuid, name, keys: servers.map((server) => ({ server })) }) as unknown as Person;
const limits = {};

test('the people with a key on the target after the move moved; the others are told with why, and every failed step is listed', () => {
  const result: MoveResult = {
    plan: [
      { uuid: 'u1', name: 'anna', fromKeyId: 'p1', action: 'create', limits },
      { uuid: 'u2', name: 'bob', fromKeyId: 'p2', action: 'present', limits },
      { uuid: 'u3', name: 'carol', fromKeyId: 'p3', action: 'name-taken', limits },
      { uuid: 'u4', name: 'dan', fromKeyId: 'p4', action: 'create', limits },
    ],
    people: [personOn('u1', 'anna', ['oslo', 'paris']), personOn('u2', 'bob', ['oslo', 'paris'])],
    outcomes: [
      { server: 'oslo', done: true, what: 'created 1 keys' },
      { server: 'oslo', done: false, what: 'created 1 keys', code: 'agent-error', message: 'disk full' },
      { server: 'oslo', done: false, what: 'no key for carol', code: 'name-taken', message: 'oslo has another key named "carol"' },
      { server: 'paris', done: false, what: 'disabled key p1', code: 'server-offline', message: 'paris does not answer' },
    ],
    pending: [],
  };
  assert.deepEqual(moveSummary(result, 'oslo'), {
    moved: [{ uuid: 'u1', name: 'anna', created: true }, { uuid: 'u2', name: 'bob', created: false }],
    notMoved: [
      { uuid: 'u3', name: 'carol', why: 'oslo has another key named “carol”' },
      { uuid: 'u4', name: 'dan', why: 'no key was made for them on oslo (see what failed below)' },
    ],
    failures: [
      { server: 'oslo', what: 'created 1 keys', why: 'disk full' },
      { server: 'paris', what: 'disabled key p1', why: 'paris does not answer' },
    ],
    pending: [],
  });
});

test('each step of a running move is told with the servers’ names', () => {
  assert.equal(moveProgressWords({ step: 'planned', done: 0, total: 1 }, 'paris', 'oslo'), 'Moving 1 person from paris to oslo…');
  assert.equal(moveProgressWords({ step: 'creating', done: 100, total: 250 }, 'paris', 'oslo'), 'Creating their keys on oslo: 100 of 250');
  assert.equal(moveProgressWords({ step: 'disabling', done: 3, total: 4 }, 'paris', 'oslo'), 'Disabling their keys on paris: 3 of 4');
  assert.equal(moveProgressWords({ step: 'bundles', done: 0, total: 2 }, 'paris', 'oslo'), 'Updating the subscription links of 2 people on each of their servers…');
});
