import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeferredWrite } from '../../src/lib/deferred-write.ts';
import { sleep } from '../../../test-support/wait.ts';

const DELAY_MS = 40;

function counting(writeMs = 0) {
  const starts: number[] = [];
  let state = 0;
  const written: number[] = [];
  const write = new DeferredWrite(
    async () => {
      starts.push(Date.now());
      const seen = state;
      await sleep(writeMs);
      written.push(seen);
    },
    DELAY_MS,
    () => assert.fail('no write fails here'),
  );
  return { write, starts, written, change: () => (state += 1), state: () => state };
}

test('many changes while they flow: one write per delay, and the last one holds the last change', async () => {
  const { write, starts, written, change, state } = counting(10);
  const until = Date.now() + 8 * DELAY_MS;
  let changes = 0;
  while (Date.now() < until) {
    change();
    write.schedule();
    changes += 1;
    await sleep(2);
  }
  // The pending write comes by itself; flush then has nothing left to write.
  await sleep(3 * DELAY_MS);
  await write.flush();
  assert.equal(write.stale, false);
  assert.ok(changes > 50, `${changes} changes`);
  assert.ok(starts.length <= 9, `${starts.length} writes`);
  for (let index = 1; index < starts.length; index += 1) {
    // Timers may fire a millisecond early as Date.now() counts.
    assert.ok(starts[index]! - starts[index - 1]! >= DELAY_MS - 1, 'never sooner than the delay after the last write');
  }
  assert.equal(written.at(-1), state());
});

test('flush writes a pending change now, and waits for a write in flight when nothing is pending', async () => {
  const { write, starts, written, change } = counting(20);
  change();
  write.schedule();
  assert.equal(write.stale, true);
  await write.flush();
  assert.deepEqual(written, [1]);
  assert.equal(write.stale, false);
  await write.flush();
  assert.equal(starts.length, 1, 'nothing pending: no second write');

  change();
  const inFlight = write.now();
  await write.flush();
  assert.deepEqual(written, [1, 2], 'flush resolves after the write in flight');
  await inFlight;
});

test('a scheduled write happens by itself after the delay', async () => {
  const { write, written, change } = counting();
  change();
  write.schedule();
  await sleep(DELAY_MS * 3);
  assert.deepEqual(written, [1]);
});

test('a failed write is reported, and the next change writes again', async () => {
  const errors: unknown[] = [];
  let fail = true;
  let writes = 0;
  const write = new DeferredWrite(
    async () => {
      writes += 1;
      if (fail) throw new Error('disk full');
    },
    DELAY_MS,
    (error) => errors.push(error),
  );
  write.schedule();
  await sleep(DELAY_MS * 3);
  assert.equal(errors.length, 1);
  fail = false;
  write.schedule();
  await write.flush();
  assert.equal(writes, 2);
});

test('a write slower than the delay waits as long as it took before the next one', async () => {
  const writeMs = 3 * DELAY_MS;
  const { write, starts, change } = counting(writeMs);
  const until = Date.now() + 6 * writeMs;
  while (Date.now() < until) {
    change();
    write.schedule();
    await sleep(5);
  }
  await sleep(3 * writeMs);
  await write.flush();
  assert.ok(starts.length >= 2, `${starts.length} writes`);
  for (let index = 1; index < starts.length; index += 1) {
    assert.ok(starts[index]! - starts[index - 1]! > 2 * writeMs - 5, `a write of W ms, then at least W ms without one: ${starts.map((at) => at - starts[0]!).join(', ')}`);
  }
});
