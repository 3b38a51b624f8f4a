import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { disposableSuiteFixture } from '../../test-support/suite-fixture.ts';
import { systemdServerSkipReason } from '../harness/systemd-server.ts';
import { SystemdAgent, type CreatedKey } from '../support/systemd-agent.ts';

/**
 * A VPS rebooted under the agent: the agent deployed through the `keyport` CLI onto a server that
 * runs systemd as PID 1 (the deploy's systemd path), a key's port carrying bytes, then a real
 * `systemctl reboot`. The agent must come back by itself (its unit enabled), the key's inbound must
 * serve again, a disabled key must stay blocked, and the bytes moved before and after the reboot
 * must be counted once each, although the kernel's counters start again from zero.
 */
describe('a server rebooted under the agent', { timeout: 180_000, skip: systemdServerSkipReason() }, () => {
  const agent = disposableSuiteFixture(() => SystemdAgent.deploy());

  test('the agent runs as a systemd unit that is enabled at boot', async () => {
    assert.equal(agent().server.exec('systemctl', ['is-enabled', 'keyport-agent.service']).trim(), 'enabled');
    assert.equal(agent().unitState(), 'active');
    assert.equal((await agent().cli<{ state: string }>(['server', 'status'])).state, 'online');
  });

  test('bytes before and after a real reboot are counted once each; the key serves again by itself, a disabled one stays blocked', async () => {
    const alice: CreatedKey = await agent().createKey('alice');
    const bob: CreatedKey = await agent().createKey('bob');
    await agent().disableKey('bob');
    agent().moveBytes(alice.port, 300_000, 700_000);
    const counted = await agent().settledKernelCounters(alice.port);
    assert.ok(counted.rx > 300_000 && counted.tx > 700_000, JSON.stringify(counted));
    const cycleAt = await agent().expectTotals(alice, counted, 'the agent to count the bytes moved before the reboot');

    // More bytes just after a sampling cycle, then the reboot at once: the next cycle never comes,
    // so only the agent's stop can count them before the reboot zeroes the counters that hold them.
    agent().moveBytes(alice.port, 200_000, 100_000);
    const beforeReboot = await agent().settledKernelCounters(alice.port);
    assert.ok(beforeReboot.rx > counted.rx + 200_000, JSON.stringify(beforeReboot));
    assert.equal(agent().lastCycleAt(), cycleAt, 'no sampling cycle ran between the last bytes and the reboot (else this proves nothing)');
    await agent().server.reboot();
    assert.equal(agent().server.bootTimesMs.length, 2, 'PID 1 ended and the server booted again');

    await agent().expectBackByItself(alice, bob);
    agent().moveBytes(alice.port, 900_000, 200_000);
    const afterReboot = await agent().settledKernelCounters(alice.port);
    assert.ok(afterReboot.rx > 900_000 && afterReboot.rx < beforeReboot.rx + 900_000, `the kernel's counters started again at the boot: ${JSON.stringify(afterReboot)}`);

    const both = { rx: beforeReboot.rx + afterReboot.rx, tx: beforeReboot.tx + afterReboot.tx };
    await agent().expectTotals(alice, both, 'the agent to count the bytes of both boots, once each');
    assert.deepEqual(await agent().consoleTotals(alice), both, 'the console shows the same, live');
  });
});
