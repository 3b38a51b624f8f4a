import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DATA_LIMIT_MAX_BYTES } from '../../../shared/agent-api.ts';
import { bundleUsage, usageFigures, type SyncedKey } from './bundle-usage.ts';

const key = (serverId: string, used: number, limit: number | null, syncedAt = '2026-12-02T06:00:00.000Z', isActive = true): SyncedKey => ({
  serverId,
  key: { is_active: isActive, used_bytes: used, data_limit_bytes: limit },
  syncedAt,
});

test('a key’s bundle sums the person’s used and limit bytes on their other servers, as of the oldest of those reads', () => {
  const keys = [key('A', 100, 1000, '2026-12-02T06:00:00.000Z'), key('B', 20, 3000, '2026-12-02T05:00:00.000Z'), key('C', 3, 5000, '2026-12-02T07:00:00.000Z')];
  assert.deepEqual(bundleUsage(keys, 'A'), { used_bytes: 23, limit_bytes: 8000, synced_at: '2026-12-02T05:00:00.000Z' });
  assert.deepEqual(bundleUsage(keys, 'B'), { used_bytes: 103, limit_bytes: 6000, synced_at: '2026-12-02T06:00:00.000Z' });
  assert.deepEqual(bundleUsage(keys, 'C'), { used_bytes: 120, limit_bytes: 4000, synced_at: '2026-12-02T05:00:00.000Z' });
});

test('one other key without a quota makes the others’ limit null (unlimited); its used bytes still count', () => {
  const keys = [key('A', 100, 1000), key('B', 20, null), key('C', 3, 5000)];
  assert.deepEqual(bundleUsage(keys, 'A'), { used_bytes: 23, limit_bytes: null, synced_at: '2026-12-02T06:00:00.000Z' });
  assert.equal(bundleUsage(keys, 'B')!.limit_bytes, 6000, 'the key’s own missing quota is the agent’s to add, not the bundle’s');
});

test('keys the admin disabled do not count, and a person with no other key that counts has no usage to push', () => {
  const keys = [key('A', 100, 1000), key('B', 20, null, '2026-12-01T00:00:00.000Z', false), key('C', 3, 5000)];
  assert.deepEqual(bundleUsage(keys, 'A'), { used_bytes: 3, limit_bytes: 5000, synced_at: '2026-12-02T06:00:00.000Z' });
  assert.equal(bundleUsage([key('A', 100, 1000)], 'A'), null);
  assert.equal(bundleUsage([key('A', 100, 1000), key('B', 5, 5, undefined, false)], 'A'), null);
});

test('sums stop at the most the agent takes (2^53 - 1 bytes)', () => {
  const keys = [key('A', 0, 0), key('B', DATA_LIMIT_MAX_BYTES, DATA_LIMIT_MAX_BYTES), key('C', 10, 10)];
  assert.deepEqual(bundleUsage(keys, 'A'), { used_bytes: DATA_LIMIT_MAX_BYTES, limit_bytes: DATA_LIMIT_MAX_BYTES, synced_at: '2026-12-02T06:00:00.000Z' });
});

test('the figures compared before a push leave synced_at out: a sync that changed no byte pushes nothing', () => {
  const earlier = bundleUsage([key('A', 1, 1), key('B', 5, null, '2026-12-02T06:00:00.000Z')], 'A');
  const later = bundleUsage([key('A', 1, 1), key('B', 5, null, '2026-12-02T09:00:00.000Z')], 'A');
  assert.equal(usageFigures(earlier), usageFigures(later));
  assert.notEqual(usageFigures(earlier), usageFigures(bundleUsage([key('A', 1, 1), key('B', 6, null)], 'A')));
  assert.notEqual(usageFigures(earlier), usageFigures(null));
  assert.notEqual(usageFigures({ used_bytes: 5, limit_bytes: 0, synced_at: '' }), usageFigures({ used_bytes: 5, limit_bytes: null, synced_at: '' }));
});
