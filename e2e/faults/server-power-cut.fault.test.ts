import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { disposableSuiteFixture } from '../../test-support/suite-fixture.ts';
import { systemdServerSkipReason } from '../harness/systemd-server.ts';
import { SystemdAgent } from '../support/systemd-agent.ts';

/**
 * A power cut under the agent on a server with systemd as PID 1: every process killed at once,
 * none told (SIGKILL of PID 1), then the next boot. The agent must come back by itself, serve and
 * block as before, and lose at most the bytes moved since its last sampling cycle (they were only
 * in the kernel's counters, which the cut wiped), never counting anything twice.
 */
describe('a power cut under the agent', { timeout: 180_000, skip: systemdServerSkipReason() }, () => {
  const agent = disposableSuiteFixture(() => SystemdAgent.deploy());

  test('the agent is back by itself and loses at most what moved since its last cycle, counting nothing twice', async () => {
    const alice = await agent().createKey('alice');
    const bob = await agent().createKey('bob');
    await agent().disableKey('bob');
    agent().moveBytes(alice.port, 300_000, 700_000);
    const counted = await agent().settledKernelCounters(alice.port);
    const cycleAt = await agent().expectTotals(alice, counted, 'the agent to count the bytes moved before the cut');

    // Bytes just after a cycle, then the cut: these are the bytes a cut may lose.
    agent().moveBytes(alice.port, 400_000, 0);
    assert.equal(agent().lastCycleAt(), cycleAt, 'no sampling cycle ran between the last bytes and the cut (else this proves nothing)');
    await agent().server.powerCut();
    assert.equal(agent().server.bootTimesMs.length, 2, 'PID 1 was killed and the server booted again');

    await agent().expectBackByItself(alice, bob);
    agent().moveBytes(alice.port, 100_000, 300_000);
    const afterCut = await agent().settledKernelCounters(alice.port);
    assert.ok(afterCut.rx < 400_000, `the kernel's counters started again at the boot: ${JSON.stringify(afterCut)}`);

    // What the agent had counted by its last cycle before the cut, plus all of this boot: nothing twice.
    const expected = { rx: counted.rx + afterCut.rx, tx: counted.tx + afterCut.tx };
    await agent().expectTotals(alice, expected, "the agent to count this boot's bytes on top of what it had counted before the cut");
    assert.deepEqual(await agent().consoleTotals(alice), expected, 'the console shows the same, live');
  });
});
