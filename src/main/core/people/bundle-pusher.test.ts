import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUNDLES_BULK_MAX } from '../../../../remote-agent/src/api/subscriptions.ts';
import { bundleBatches } from './bundle-pusher.ts';

const usage = { used_bytes: 1, limit_bytes: null, synced_at: '2026-12-02T06:00:00.000Z' };

test('bundles go in calls of at most the agent’s count, in order', () => {
  const entries = Array.from({ length: 2 * BUNDLES_BULK_MAX + 1 }, (_, index) => ({ key_id: `k${index}`, usage }));
  const batches = bundleBatches(entries);
  assert.deepEqual(batches.map((batch) => batch.length), [BUNDLES_BULK_MAX, BUNDLES_BULK_MAX, 1]);
  assert.deepEqual(batches.flat(), entries);
  assert.deepEqual(bundleBatches([]), []);
});

test('and in bodies under the agent’s limit: long links split the calls sooner', () => {
  const link = `vless://u@h.example:443?security=reality&pbk=${'x'.repeat(4000)}`;
  const entries = Array.from({ length: 30 }, (_, index) => ({ key_id: `k${index}`, links: Array.from({ length: 10 }, () => link) }));
  const maxBodyBytes = 200_000;
  const batches = bundleBatches(entries, maxBodyBytes);
  assert.ok(batches.length > 1);
  for (const batch of batches) assert.ok(Buffer.byteLength(JSON.stringify({ bundles: batch })) <= maxBodyBytes);
  assert.deepEqual(batches.flat(), entries);
});
