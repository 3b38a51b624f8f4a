import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { AgentProcess } from '../support/agent-process.ts';
import { removeAgentChains } from '../support/firewall.ts';

describe('a config Xray rejects never replaces the working one', () => {
  let agent: AgentProcess;

  before(async () => {
    removeAgentChains();
    // "nohost" is not host:port: Xray's config test refuses every inbound built with it.
    agent = await AgentProcess.start({ extraFlags: ['--reality-target', 'nohost'] });
  });
  after(async () => agent?.dispose());

  test('the key is stored, the old file stays, and the status says why', async () => {
    const before = existsSync(agent.xrayConfigPath) ? readFileSync(agent.xrayConfigPath, 'utf8') : undefined;
    const created = await agent.post('/api/keys', { name: 'bad-reality' });
    assert.equal(created.status, 200);
    const after = existsSync(agent.xrayConfigPath) ? readFileSync(agent.xrayConfigPath, 'utf8') : undefined;
    assert.equal(after, before);
    assert.ok(!existsSync(`${agent.xrayConfigPath}.new`), 'the rejected draft is removed');

    const status = (await agent.get('/api/system/xray/config-status')).body.data;
    assert.equal(status.in_sync, false);
    assert.equal(status.last_apply.ok, false);
    assert.match(status.last_apply.detail, /xray rejected the new config/);
    assert.deepEqual(status.config_file.missing_inbounds, [`keyport-${created.body.id}`]);
  });

  test('verify-reality names the bad target and probes nothing', async () => {
    const report = (await agent.post('/api/system/verify-reality')).body.data;
    assert.equal(report.valid, false);
    const target = report.checks.find((check: { name: string }) => check.name === 'target');
    assert.deepEqual(target, { name: 'target', ok: false, level: 'error', server_name: null, detail: 'the target "nohost" is not host:port' });
    assert.ok(!report.checks.some((check: { name: string }) => check.name === 'target_connect'));
  });
});
