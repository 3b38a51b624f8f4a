import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatBytes } from '../../src/api/format-bytes.ts';

describe('formatBytes', () => {
  test('shows sizes below 1 KB as whole bytes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1023), '1023 B');
  });

  test('switches to KB at exactly 1024 bytes, with two decimals', () => {
    assert.equal(formatBytes(1024), '1.00 KB');
    assert.equal(formatBytes(1536), '1.50 KB');
  });

  test('is 1024-based as in the spec example 38467682 -> 36.69 MB', () => {
    assert.equal(formatBytes(38467682), '36.69 MB');
    assert.equal(formatBytes(1024 ** 3), '1.00 GB');
  });

  test('a value that would round to 1024.00 shows as the next unit', () => {
    assert.equal(formatBytes(1048575), '1.00 MB');
    assert.equal(formatBytes(1048064), '1023.50 KB');
  });

  test('rounds a fractional rate to whole bytes', () => {
    assert.equal(formatBytes(12.6), '13 B');
  });

  test('stops at TB however large the value', () => {
    assert.equal(formatBytes(1024 ** 4), '1.00 TB');
    assert.equal(formatBytes(1024 ** 5), '1024.00 TB');
  });
});
