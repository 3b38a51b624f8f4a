import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timeDistance } from '../../../shared/key-limits/key-limit-status.ts';
import { expiryWords } from './key-limit-words.ts';

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
