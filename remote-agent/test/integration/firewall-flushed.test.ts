import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { PortFirewall } from '../../src/services/firewall/port-firewall.ts';
import { agentSets, removeAgentChains } from '../support/firewall.ts';

const RANGE = { from: 12301, to: 12309 };

describe('the agent\'s table removed under it (a reload of nftables.service flushes the ruleset)', () => {
  before(() => removeAgentChains());
  after(() => removeAgentChains());

  test('the next sync makes the table again and puts every port back, their counters restarting', async () => {
    const warnings: string[] = [];
    const firewall = new PortFirewall({ info() {}, warn: (message) => warnings.push(message), error() {} }, RANGE);
    await firewall.prepare();
    const desired = [{ port: 12301, blocked: false }, { port: 12302, blocked: true }];
    await firewall.addPorts(desired);
    execFileSync('nft', ['delete', 'table', 'inet', 'keyport']);
    await assert.rejects(firewall.read(), 'a read without the table fails the cycle: it never reads zeros as counters');
    const restarted: number[] = [];
    const result = await firewall.sync(desired, (ports) => restarted.push(...ports));
    assert.deepEqual(result.added, [12301, 12302]);
    assert.deepEqual(restarted, [12301, 12302], 'the sampler hears that their counters restart');
    assert.deepEqual(agentSets().rx, [12301, 12302]);
    assert.deepEqual(agentSets().blocked, [12302]);
    assert.equal((await firewall.read()).counters.get('rx:12301'), 0);
    assert.ok(warnings.some((warning) => warning.includes('made again')));
  });
});
