import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes } from '../agent-api.ts';
import { parseDataSize } from '../key-limits/data-size.ts';
import { formatByteSize } from './byte-size.ts';

test('sizes scale by 1024 and say so with IEC symbols: the agent’s digits, not 10^6', () => {
  assert.equal(formatByteSize(512), '512 B');
  assert.equal(formatByteSize(1024), '1.00 KiB');
  assert.equal(formatByteSize(38_467_682), '36.69 MiB');
  assert.equal(formatBytes(38_467_682), '36.69 MB', 'the API’s own field keeps the spec’s spelling');
  assert.equal(formatByteSize(5 * 1024 ** 3), '5.00 GiB');
  assert.equal(formatByteSize(1023.995 * 1024), '1.00 MiB', 'never "1024.00 KiB"');
  assert.equal(formatByteSize(3 * 1024 ** 4), '3.00 TiB');
});

test('a quota typed as 5GB or 5GiB is shown back as the 5.00 GiB it was read as', () => {
  for (const typed of ['5GB', '5 GiB', '5gb']) {
    const size = parseDataSize(typed);
    assert.ok(size.ok);
    assert.equal(formatByteSize(size.bytes), '5.00 GiB', typed);
  }
});
