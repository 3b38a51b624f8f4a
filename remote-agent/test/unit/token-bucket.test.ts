import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TokenBuckets } from '../../src/lib/token-bucket.ts';

describe('TokenBuckets', () => {
  test('gives a burst of capacity, then says how long until the next token', () => {
    const buckets = new TokenBuckets({ capacity: 3, perMinute: 30, maxClients: 10 });
    assert.deepEqual([0, 0, 0].map(() => buckets.take('a', 1000)), [0, 0, 0]);
    assert.equal(buckets.take('a', 1000), 2000, 'one token every 2 s at 30 a minute');
    assert.equal(buckets.take('b', 1000), 0, 'another client has its own bucket');
    assert.equal(buckets.take('a', 3000), 0, 'refilled after 2 s');
    assert.equal(buckets.take('a', 3000), 2000);
  });

  test('keeps at most maxClients buckets: idle (refilled) ones go first, then the oldest', () => {
    const buckets = new TokenBuckets({ capacity: 2, perMinute: 60, maxClients: 3 });
    buckets.take('idle', 0);
    buckets.take('busy1', 9_000);
    buckets.take('busy1', 9_000);
    buckets.take('busy2', 9_000);
    buckets.take('busy2', 9_000);
    buckets.take('new', 9_500);
    assert.equal(buckets.size, 3);
    assert.ok(buckets.take('busy1', 9_500) > 0, 'busy1 kept its empty bucket: the idle one went');
    for (let index = 0; index < 1000; index += 1) buckets.take(`flood-${index}`, 9_600);
    assert.equal(buckets.size, 3, 'a flood of clients stays within the bound');
  });
});
