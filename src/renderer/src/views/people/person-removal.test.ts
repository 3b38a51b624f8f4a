import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Person } from '../../../../shared/contract/people.ts';
import { personRemoval } from './person-removal.ts';

test('a removal deletes the keys on the servers that answer and names those it cannot reach, with why', () => {
  const anna = {
    keys: [
      { serverId: 's1', server: 'oslo', key: { name: 'Анна 📱' } },
      { serverId: 's2', server: 'paris', key: { name: 'anna' } },
      { serverId: 's3', server: 'rome', key: { name: 'anna' } },
    ],
  } as unknown as Person;
  const reach = { s1: { reachable: true as const }, s2: { reachable: false as const, why: 'paris is offline' } };
  assert.deepEqual(personRemoval(anna, reach), {
    deleted: [{ server: 'oslo', keyName: 'Анна 📱' }, { server: 'rome', keyName: 'anna' }],
    kept: [{ server: 'paris', why: 'paris is offline' }],
  });
});
