import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { AgentProcess } from '../support/agent-process.ts';
import { removeAgentChains } from '../support/firewall.ts';

const limitsOf = (pid: number) => {
  const match = /^Max open files\s+(\d+)\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return { soft: Number(match?.[1]), hard: Number(match?.[2]) };
};

// systemd gives a service 1024 soft and 524288 hard by default: Xray, one fd per inbound, needs more
// than the soft limit at about 1,000 keys. The agent (Node) and Xray (Go >= 1.19) both raise their
// soft limit to the hard one at start, so the hard limit is what counts.
describe('Xray started by an agent under a low soft open-files limit', () => {
  let agent: AgentProcess;

  before(async () => {
    removeAgentChains();
    agent = await AgentProcess.start({ openFilesLimit: { soft: 1024, hard: 4096 } });
  });
  after(async () => agent?.dispose());

  test('runs under the hard limit, and config-status says so', async () => {
    await agent.post('/api/keys', { name: 'one' });
    const { xray } = (await agent.get('/api/system/config-status')).body.data;
    const pid = agent.xrayPid();
    assert.ok(pid !== undefined && xray.process.pid === pid, JSON.stringify(xray.process));
    assert.deepEqual(limitsOf(agent.pid as number), { soft: 4096, hard: 4096 }, 'the agent raised its own soft limit');
    assert.deepEqual(limitsOf(pid), { soft: 4096, hard: 4096 });
    assert.equal(xray.process.open_files_limit, 4096);
  });
});
