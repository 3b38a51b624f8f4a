import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiKey } from '../../../../shared/contract/api-types.ts';
import type { Person, PersonKey } from '../../../../shared/contract/people.ts';
import { personRows, quotaWords } from './person-rows.ts';

const NOW = Date.UTC(2026, 11, 2, 12);
const key = (changes: Partial<ApiKey>): ApiKey => ({
  id: 'k1', name: 'anna', uuid: 'u1', created_at: '2026-11-01T00:00:00.000000', is_active: true, port: 10001, status: 'active',
  data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null, note: '', used_bytes: 0, period_started_at: null, subscription_url: null,
  ...changes,
});
const on = (server: string, changes: Partial<ApiKey>, source: PersonKey['source'] = 'live'): PersonKey => ({
  serverId: `id-${server}`, server, key: key(changes), source, syncedAt: '2026-12-02T12:00:00.000Z',
});
const person = (keys: PersonKey[]): Person => ({
  uuid: 'u1', name: 'anna', keys, usedBytes: 1536, monthBytes: 3 * 1024 ** 3,
  subscriptionUrl: 'https://paris.example/sub/t', subscriptionUrls: [{ server: 'paris', url: 'https://paris.example/sub/t' }],
});

test('a row names each server with the key’s status judged now, marks cached ones, and writes the sums as sizes', () => {
  const [row] = personRows([person([on('oslo', { expires_at: '2026-12-01T00:00:00.000000' }, 'cache'), on('paris', { is_active: false, status: 'disabled' })])], NOW);
  assert.deepEqual(row!.servers, [{ name: 'oslo', status: 'expired', cached: true }, { name: 'paris', status: 'disabled', cached: false }]);
  assert.deepEqual([row!.usedWords, row!.monthWords, row!.subscriptionUrl], ['1.50 KiB', '3.00 GiB', 'https://paris.example/sub/t']);
});

test('the status is the keys’ own when they agree, else where each key that does not work stands', () => {
  const rows = personRows(
    [
      person([on('oslo', {}), on('paris', {})]),
      person([on('oslo', { status: 'limited', used_bytes: 10, data_limit_bytes: 10 }), on('paris', { status: 'limited', used_bytes: 10, data_limit_bytes: 10 })]),
      person([on('oslo', { is_active: false, status: 'disabled' }), on('paris', {}), on('rome', { status: 'limited', data_limit_bytes: 1, used_bytes: 1 }), on('sofia', { is_active: false, status: 'disabled' })]),
    ],
    NOW,
  );
  assert.deepEqual(rows.map((row) => [row.status, row.statusWords]), [
    ['active', 'Active'],
    ['limited', 'Limited'],
    ['mixed', 'Limited on rome; disabled on oslo, sofia'],
  ]);
});

test('the limits are told once when every key has the same, else that they differ', () => {
  const month = { data_limit_bytes: 5 * 1024 ** 3, data_limit_reset: 'month' as const };
  const rows = personRows(
    [
      person([on('oslo', {}), on('paris', {})]),
      person([on('oslo', { ...month, expires_at: '2026-12-05T12:00:00.000000' }), on('paris', { ...month, expires_at: '2026-12-05T12:00:00Z' })]),
      person([on('oslo', { expires_at: '2026-12-02T10:00:00.000000' })]),
      person([on('oslo', month), on('paris', { ...month, data_limit_reset: 'week' })]),
    ],
    NOW,
  );
  assert.deepEqual(rows.map((row) => row.limitWords), ['no quota', '5.00 GiB a month, expires in 3 days', 'no quota, expired 2 h ago', 'differs by server']);
});

test('a quota is its size and its period', () => {
  assert.equal(quotaWords({ data_limit_bytes: 1024 ** 4, data_limit_reset: 'no_reset' }), '1.00 TiB');
  assert.equal(quotaWords({ data_limit_bytes: 1024 ** 3, data_limit_reset: 'day' }), '1.00 GiB a day');
});
