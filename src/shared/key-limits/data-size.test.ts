import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatByteSize } from '../format/byte-size.ts';
import { parseDataSize } from './data-size.ts';

const GIB = 1024 ** 3;

describe('a size typed by an admin', () => {
  test('KB, MB, GB, TB and KiB … TiB are all 1024-based, as Keyport shows sizes', () => {
    assert.deepEqual(parseDataSize('50GB'), { ok: true, bytes: 50 * GIB });
    assert.deepEqual(parseDataSize('50 GiB'), { ok: true, bytes: 50 * GIB });
    assert.deepEqual(parseDataSize('50gb'), { ok: true, bytes: 50 * GIB });
    assert.deepEqual(parseDataSize('1k'), { ok: true, bytes: 1024 });
    assert.deepEqual(parseDataSize('2MiB'), { ok: true, bytes: 2 * 1024 ** 2 });
    assert.deepEqual(parseDataSize('1 TB'), { ok: true, bytes: 1024 ** 4 });
    assert.equal(formatByteSize(50 * GIB), '50.00 GiB', 'what is typed is what is shown back');
  });

  test('a bare number, or one in B, is bytes: how a 1000-based amount is given exactly', () => {
    assert.deepEqual(parseDataSize('50000000000'), { ok: true, bytes: 50_000_000_000 });
    assert.deepEqual(parseDataSize('512 B'), { ok: true, bytes: 512 });
    assert.deepEqual(parseDataSize('0'), { ok: true, bytes: 0 });
  });

  test('a fraction is rounded to the nearest byte', () => {
    assert.deepEqual(parseDataSize('1.5GB'), { ok: true, bytes: 1.5 * GIB });
    assert.deepEqual(parseDataSize('0.1KB'), { ok: true, bytes: 102 });
    assert.deepEqual(parseDataSize('.5 MB'), { ok: true, bytes: 512 * 1024 });
  });

  test('bad sizes say why', () => {
    for (const text of ['', 'GB', '-5GB', '5,5GB', '1e9', 'five', '5 G B', '+5GB']) assert.deepEqual(parseDataSize(text), { ok: false, problem: 'not-a-size' }, text);
    for (const text of ['5 gigs', '5XB', '5GBB', '5bit']) assert.deepEqual(parseDataSize(text), { ok: false, problem: 'unknown-unit' }, text);
    assert.deepEqual(parseDataSize('8PiB'), { ok: false, problem: 'too-large' });
    assert.deepEqual(parseDataSize('99999999999999999'), { ok: false, problem: 'too-large' });
    assert.deepEqual(parseDataSize('7PiB'), { ok: true, bytes: 7 * 1024 ** 5 });
  });
});
