import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AgentProcess } from '../support/agent-process.ts';
import { removeAgentChains } from '../support/firewall.ts';
import { moveBytes } from '../../../test-support/tcp-traffic.ts';

const UP = 300_000;
const DOWN = 700_000;

/** iptables counts IP packets, so a payload of n bytes shows as n plus headers: never less, a little more. */
function assertAbout(actual: number, payload: number, what: string) {
  assert.ok(actual >= payload && actual <= payload * 1.05 + 8_192, `${what}: ${actual} is not about ${payload}`);
}

describe('a graceful stop before a reboot', () => {
  let agent: AgentProcess;

  before(async () => {
    removeAgentChains();
    // One cycle at start and none after, unless the stop runs one: the interval never comes round.
    agent = await AgentProcess.start({ sampleIntervalSeconds: 3600 });
  });
  after(async () => {
    await agent?.dispose();
    removeAgentChains();
  });

  test('counts the bytes moved since the last cycle, before a reboot zeroes the counters that hold them', async () => {
    const key = (await agent.post('/api/keys', { name: 'last-cycle' })).body;
    await moveBytes(key.port, UP, DOWN);
    await agent.stop('SIGTERM');
    // What a reboot leaves of the firewall: the agent's chains and their counters are gone.
    removeAgentChains();
    await agent.launch();
    const totals = (await agent.get(`/api/keys/${key.id}/traffic/history`)).body.data.total_traffic;
    assertAbout(totals.rx_bytes, UP, 'rx moved in the last interval before the stop');
    assertAbout(totals.tx_bytes, DOWN, 'tx moved in the last interval before the stop');
  });
});
