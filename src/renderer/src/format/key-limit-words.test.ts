import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timeDistance } from '../../../shared/key-limits/key-limit-status.ts';
import { expiryWords, keyStatusNotice } from './key-limit-words.ts';

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const HOUR = 3_600_000;

test('an expiry reads as a distance from now, in the largest whole unit', () => {
  assert.equal(expiryWords(timeDistance(NOW + 3 * 24 * HOUR + HOUR, NOW)), 'in 3 days');
  assert.equal(expiryWords(timeDistance(NOW - 2 * HOUR - 60_000, NOW)), 'expired 2 h ago');
  assert.equal(expiryWords(timeDistance(NOW + 5 * 60_000, NOW)), 'in 5 min');
  assert.equal(expiryWords(timeDistance(NOW - 50 * 24 * HOUR, NOW)), 'expired 50 days ago');
  assert.equal(expiryWords(timeDistance(NOW + HOUR, NOW)), 'in 1 h');
});

test('the very moment, and no expiry at all, have words of their own', () => {
  assert.equal(expiryWords(timeDistance(NOW, NOW)), 'expired just now');
  assert.equal(expiryWords(timeDistance(NOW + 30_000, NOW)), 'in under a minute');
  assert.equal(expiryWords(null), 'never');
});

test('a key that does not work says why, and what brings it back', () => {
  const MB = 1024 ** 2;
  const quota = { used_bytes: 2 * MB + 5, data_limit_bytes: 2 * MB, data_limit_reset: 'month' as const };
  assert.equal(keyStatusNotice(quota, 'active', null), null);
  assert.deepEqual(keyStatusNotice(quota, 'limited', null), {
    status: 'limited',
    title: 'Limited',
    why: 'This key has used up 2.00 MiB of its 2.00 MiB quota. It works again when the quota starts anew on the 1st of the month at 00:00 UTC, or when the quota is raised. Until then the link and QR code below do not connect.',
  });
  assert.match(keyStatusNotice({ ...quota, data_limit_reset: 'no_reset' }, 'limited', null)!.why, /It works again when the quota is raised or removed\./);
  assert.match(
    keyStatusNotice(quota, 'expired', timeDistance(NOW - 2 * HOUR, NOW))!.why,
    /^This key expired 2 h ago\. It works again when its expiry is moved on or set to never\./,
  );
  assert.match(keyStatusNotice(quota, 'disabled', null)!.why, /^This key is switched off\. Until it is enabled, the link and QR code below do not connect\.$/);
});
