import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { coalesce, SerialQueue } from '../../src/lib/coalesce.ts';

/** A task whose runs each wait until the test lets them finish (or fail). */
function gatedTask() {
  const gates: Array<PromiseWithResolvers<void>> = [];
  let finished = 0;
  const task = async () => {
    const gate = Promise.withResolvers<void>();
    gates.push(gate);
    try {
      await gate.promise;
    } finally {
      finished += 1;
    }
  };
  return {
    task,
    get started() {
      return gates.length;
    },
    get finished() {
      return finished;
    },
    /** Lets the run with this 1-based number end, then gives the follow-up a chance to start. */
    async release(run: number, error?: Error) {
      const gate = gates[run - 1];
      assert.ok(gate, `run ${run} has not started`);
      if (error) gate.reject(error);
      else gate.resolve();
      await sleep(0);
    },
  };
}

/** coalesce over a gated task: `run` is what callers call, `gated` ends its runs. */
function coalescedGatedTask() {
  const gated = gatedTask();
  return { gated, run: coalesce(gated.task) };
}

// A broken coalesce leaves callers pending forever: fail fast instead of hanging the run.
describe('coalesce', { timeout: 2000 }, () => {
  test('a call while idle starts a run at once', () => {
    const gated = gatedTask();
    void coalesce(gated.task)();
    assert.equal(gated.started, 1);
  });

  test('calls made during a run share one follow-up run', async () => {
    const { gated, run } = coalescedGatedTask();
    const first = run();
    const second = run();
    const third = run();
    assert.equal(second, third);
    assert.notEqual(first, second);
    assert.equal(gated.started, 1, 'no overlapping run');

    await gated.release(1);
    await first;
    assert.equal(gated.started, 2);
    await gated.release(2);
    await Promise.all([second, third]);
    assert.equal(gated.started, 2, 'one follow-up for both waiting calls');
  });

  test('every caller settles only after a run that started after its call', async () => {
    const { gated, run } = coalescedGatedTask();
    const checks: Array<Promise<void>> = [];
    const call = () => {
      const startedBefore = gated.started;
      checks.push(
        run().then(() => assert.ok(gated.finished > startedBefore, `a call after ${startedBefore} runs settled too early`)),
      );
    };

    call();
    call();
    await gated.release(1);
    call(); // during the follow-up run: needs a third run
    call();
    await gated.release(2);
    await gated.release(3);
    await Promise.all(checks);
    assert.equal(gated.started, 3);
  });

  test('a failed run rejects its own callers but the follow-up still runs for the others', async () => {
    const { gated, run } = coalescedGatedTask();
    const first = run();
    const second = run();
    await gated.release(1, new Error('boom'));
    await assert.rejects(first, /boom/);
    assert.equal(gated.started, 2);
    await gated.release(2);
    await second;
  });

  test('a call after everything settled starts a new run', async () => {
    const { gated, run } = coalescedGatedTask();
    const first = run();
    await gated.release(1);
    await first;
    const again = run();
    assert.equal(gated.started, 2);
    await gated.release(2);
    await again;
  });
});

describe('SerialQueue', () => {
  test('runs tasks one at a time in call order, even when an earlier one is slower', async () => {
    const queue = new SerialQueue();
    const events: string[] = [];
    const task = (name: string, ms: number) => async () => {
      events.push(`start ${name}`);
      await sleep(ms);
      events.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([queue.run(task('a', 30)), queue.run(task('b', 0)), queue.run(task('c', 10))]);
    assert.deepEqual(results, ['a', 'b', 'c']);
    assert.deepEqual(events, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  test('a failing task rejects its caller and does not stop the next task', async () => {
    const queue = new SerialQueue();
    const failed = queue.run(async () => {
      throw new Error('task failed');
    });
    const next = queue.run(async () => 42);
    await assert.rejects(failed, /task failed/);
    assert.equal(await next, 42);
  });
});
