import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupPeople } from './group-people.ts';
import { planMove } from './plan-move.ts';
import { personKey } from './testing/fake-agents.ts';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const live = { source: 'live' as const, syncedAt: '2026-12-02T06:00:00.000Z', monthBytesByKey: new Map() };

test('a move creates, on the target, each person of the source with their uuid, key name and limits', () => {
  const limited = { data_limit_bytes: 5 * 1024 ** 3, data_limit_reset: 'month' as const, expires_at: '2027-03-01T00:00:00.000000', note: 'paid', used_bytes: 99 };
  const fromKeys = [personKey('a', 'a1', 'Anna', uuid(1), limited), personKey('a', 'a2', 'bob', uuid(2)), personKey('a', 'a3', 'cleo', uuid(3)), personKey('a', 'a4', 'dan', uuid(4))];
  const toKeys = [personKey('b', 'b1', 'bob', uuid(2)), personKey('b', 'b2', 'CLEO', uuid(99))];
  const people = groupPeople([
    { serverId: 'A', server: 'a', keys: fromKeys, ...live },
    { serverId: 'B', server: 'b', keys: toKeys, ...live },
    { serverId: 'C', server: 'c', keys: [personKey('c', 'c1', 'eve', uuid(5))], ...live },
  ]);
  const plan = planMove(people, 'A', 'B', toKeys);
  assert.deepEqual(plan, [
    { uuid: uuid(1), name: 'Anna', fromKeyId: 'a1', action: 'create', limits: { data_limit_bytes: 5 * 1024 ** 3, data_limit_reset: 'month', expires_at: '2027-03-01T00:00:00.000000', note: 'paid' } },
    { uuid: uuid(2), name: 'bob', fromKeyId: 'a2', action: 'present', limits: { data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null, note: '' } },
    // CLEO on the target is someone else (another uuid): the name is taken there.
    { uuid: uuid(3), name: 'cleo', fromKeyId: 'a3', action: 'name-taken', limits: { data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null, note: '' } },
    { uuid: uuid(4), name: 'dan', fromKeyId: 'a4', action: 'create', limits: { data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null, note: '' } },
  ]);
});

test('two people of one name on the source: the first gets it on the target, the second is name-taken', () => {
  const fromKeys = [personKey('a', 'a1', 'anna', uuid(1)), personKey('a', 'a2', 'Anna', uuid(2))];
  const people = groupPeople([{ serverId: 'A', server: 'a', keys: fromKeys, ...live }]);
  assert.deepEqual(planMove(people, 'A', 'B', []).map((entry) => [entry.uuid, entry.action]), [[uuid(1), 'create'], [uuid(2), 'name-taken']]);
});
