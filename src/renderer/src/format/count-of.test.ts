import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countOf } from './count-of.ts';

test('a count takes the singular only for exactly one', () => {
  assert.equal(countOf(1, 'key'), '1 key');
  assert.equal(countOf(0, 'key'), '0 keys');
  assert.equal(countOf(2, 'connection'), '2 connections');
  assert.equal(countOf(1, 'entry', 'entries'), '1 entry');
  assert.equal(countOf(3, 'entry', 'entries'), '3 entries');
});
