import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { seedDataDir } from '../../bench/seed-data.ts';
import { AgentProcess } from '../support/agent-process.ts';
import { removeAgentChains } from '../support/firewall.ts';
import { lsi } from '../support/xray-api.ts';
import { moveBytes } from '../../../test-support/tcp-traffic.ts';

const KEYS = 10_000;

// Each `xray api` command has one deadline (3 s unless -t) for all its calls, and `lsi` without
// --isOnlyTags=true returns every inbound's settings, past gRPC's 4 MB reply limit near 8,000
// inbounds (main/commands/all/api/shared.go:36-43, inbounds_list.go:32-45 at v26.7.28).
describe(`Xray's API at ${KEYS.toLocaleString('en')} inbounds`, { timeout: 240_000 }, () => {
  let agent: AgentProcess;
  let keys: Array<{ id: string; port: number }>;

  before(async () => {
    removeAgentChains();
    const dataDir = mkdtempSync(join(tmpdir(), 'keyport-agent-'));
    keys = seedDataDir(dataDir, { keys: KEYS });
    agent = await AgentProcess.start({ dataDir, portRange: `10001-${10000 + KEYS}`, sampleIntervalSeconds: 30, startTimeoutMs: 90_000 });
  });
  after(async () => agent?.dispose());

  test('status lists every inbound by tag and finds them all served', async () => {
    const status = (await agent.get('/api/system/xray/config-status')).body.data;
    assert.equal(status.api.error, null);
    assert.equal(status.live.inbounds, KEYS);
    assert.equal(status.in_sync, true, JSON.stringify({ ...status, config_file: undefined }).slice(0, 2000));
    // One listening socket per inbound: the open-files limit must leave room for them all.
    const { rss_bytes, open_fds, open_files_limit } = status.process;
    assert.ok(rss_bytes > 0 && open_fds >= KEYS && open_files_limit > open_fds, JSON.stringify(status.process));
  });

  test('a Reality change re-adds all of them live, in bounded commands, without a restart', async () => {
    const pid = agent.xrayPid();
    const changed = await agent.request('PATCH', '/api/system/settings', { reality_server_names: ['www.example.org'] });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.data.applied.method, 'api', JSON.stringify(changed.body.data.applied));
    assert.equal(changed.body.data.applied.ok, true, JSON.stringify(changed.body.data.applied));
    assert.equal(agent.xrayPid(), pid);
    assert.equal((await lsi(agent.xrayApiPort)).length, KEYS);
    await moveBytes(keys[KEYS - 1]!.port, 10, 10);
    const status = (await agent.get('/api/system/xray/config-status')).body.data;
    assert.equal(status.in_sync, true);
  });
});
