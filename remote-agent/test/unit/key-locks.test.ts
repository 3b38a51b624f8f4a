import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyLocks } from '../../src/lib/key-locks.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** A task that records its start and end in `log`, taking a few ticks. */
const step = (log: string[], name: string, ticks = 2) => async () => {
  log.push(`${name} start`);
  for (let index = 0; index < ticks; index += 1) await tick();
  log.push(`${name} end`);
  return name;
};

test('work on one key runs one task after another, in call order', async () => {
  const locks = new KeyLocks();
  const log: string[] = [];
  const results = await Promise.all([locks.forKey('a', step(log, 'a1')), locks.forKey('a', step(log, 'a2', 1)), locks.forKey('a', step(log, 'a3'))]);
  assert.deepEqual(results, ['a1', 'a2', 'a3']);
  assert.deepEqual(log, ['a1 start', 'a1 end', 'a2 start', 'a2 end', 'a3 start', 'a3 end']);
});

test('work on different keys runs at once', async () => {
  const locks = new KeyLocks();
  const log: string[] = [];
  await Promise.all([locks.forKey('a', step(log, 'a')), locks.forKey('b', step(log, 'b'))]);
  assert.deepEqual(log.slice(0, 2), ['a start', 'b start']);
});

test('exclusive work waits for the keyed work before it and holds off the keyed work after it', async () => {
  const locks = new KeyLocks();
  const log: string[] = [];
  await Promise.all([
    locks.forKey('a', step(log, 'a')),
    locks.forKey('b', step(log, 'b', 3)),
    locks.exclusive(step(log, 'sync')),
    locks.forKey('a', step(log, 'a after')),
    locks.forKey('c', step(log, 'c after')),
  ]);
  const at = (entry: string) => log.indexOf(entry);
  assert.ok(at('sync start') > at('a end') && at('sync start') > at('b end'), log.join(', '));
  assert.ok(at('a after start') > at('sync end') && at('c after start') > at('sync end'), log.join(', '));
});

test('a failed task answers its caller and does not hold up the next', async () => {
  const locks = new KeyLocks();
  const failed = locks.forKey('a', async () => {
    throw new Error('boom');
  });
  const next = locks.forKey('a', async () => 'next');
  await assert.rejects(failed, /boom/);
  assert.equal(await next, 'next');
  assert.equal(await locks.exclusive(async () => 'after'), 'after');
});
