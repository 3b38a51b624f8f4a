import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes } from './format-bytes.ts';

test('formatBytes is 1024-based with two decimals, like the agent’s *_formatted fields', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1.00 KB');
  assert.equal(formatBytes(1536), '1.50 KB');
  assert.equal(formatBytes(38467682), '36.69 MB');
  assert.equal(formatBytes(5 * 1024 ** 3), '5.00 GB');
  assert.equal(formatBytes(3 * 1024 ** 4), '3.00 TB');
  assert.equal(formatBytes(2048 * 1024 ** 4), '2048.00 TB');
});

test('formatBytes moves up a unit rather than print 1024.00', () => {
  assert.equal(formatBytes(1024 * 1024 - 1), '1.00 MB');
});

test('formatBytes rounds fractional byte rates to whole bytes', () => {
  assert.equal(formatBytes(12.6), '13 B');
});
