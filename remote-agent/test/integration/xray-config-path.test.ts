import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AgentProcess } from '../support/agent-process.ts';
import { removeAgentChains } from '../support/firewall.ts';
import { moveBytes } from '../../../test-support/tcp-traffic.ts';

// Xray picks a config's format from its extension and refuses any other name (core/config.go:82-95,
// 113-128 at v26.7.28): a draft called `xray-config.json.new`, or an --xray-config without .json,
// was refused by a real Xray, so no inbound was ever added and Xray never started.
for (const name of ['xray-config.json', 'xray.conf']) {
  describe(`with --xray-config .../${name}, keys reach a real-format Xray`, () => {
    let agent: AgentProcess;
    let configPath: string;

    before(async () => {
      removeAgentChains();
      const dataDir = mkdtempSync(join(tmpdir(), 'keyport-agent-'));
      configPath = join(dataDir, name);
      agent = await AgentProcess.start({ dataDir, extraFlags: ['--xray-config', configPath] });
    });
    after(async () => agent?.dispose());

    test('a created key is validated, written, served, and no draft is left behind', async () => {
      const key = (await agent.post('/api/keys', { name: 'format-check' })).body;
      const status = (await agent.get('/api/system/xray/config-status')).body.data;
      assert.equal(status.last_apply.ok, true, JSON.stringify(status.last_apply));
      assert.equal(status.in_sync, true, JSON.stringify(status));
      assert.ok(existsSync(configPath));
      assert.deepEqual(readdirSync(agent.dataDir).filter((file) => file.includes('.new')), []);
      await moveBytes(key.port, 10, 10);
      const validation = (await agent.get('/api/system/xray/validate-sync')).body.data;
      assert.equal(validation.checks.find((check: { name: string }) => check.name === 'config_test').ok, true, JSON.stringify(validation));
    });
  });
}
