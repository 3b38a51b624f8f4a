import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiKey } from '../../../../shared/contract/api-types.ts';
import type { Person } from '../../../../shared/contract/people.ts';
import { personRows } from './person-rows.ts';

const NOW = Date.UTC(2026, 11, 2, 12);
const key = (changes: Partial<ApiKey>): ApiKey => ({
  id: 'k1', name: 'anna', uuid: 'u1', created_at: '2026-11-01T00:00:00.000000', is_active: true, port: 10001, status: 'active',
  data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null, note: '', used_bytes: 0, period_started_at: null, subscription_url: null,
  ...changes,
});

test('a row names each server with the key’s status judged now, marks cached ones, and writes the sums as sizes', () => {
  const person: Person = {
    uuid: 'u1',
    name: 'anna',
    keys: [
      { serverId: 's1', server: 'oslo', key: key({ expires_at: '2026-12-01T00:00:00.000000' }), source: 'cache', syncedAt: '2026-11-30T00:00:00.000Z' },
      { serverId: 's2', server: 'paris', key: key({ is_active: false, status: 'disabled' }), source: 'live', syncedAt: '2026-12-02T12:00:00.000Z' },
    ],
    usedBytes: 1536,
    monthBytes: 3 * 1024 ** 3,
    subscriptionUrl: 'https://paris.example/sub/t',
    subscriptionUrls: [{ server: 'paris', url: 'https://paris.example/sub/t' }],
  };
  assert.deepEqual(personRows([person], NOW), [
    {
      uuid: 'u1',
      name: 'anna',
      servers: [{ name: 'oslo', status: 'expired', cached: true }, { name: 'paris', status: 'disabled', cached: false }],
      usedWords: '1.50 KB',
      monthWords: '3.00 GB',
      subscriptionUrl: 'https://paris.example/sub/t',
    },
  ]);
});
