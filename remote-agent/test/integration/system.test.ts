import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AgentProcess } from '../support/agent-process.ts';
import { FAKE_XRAY } from '../../../test-support/stand-in-xray.ts';
import { agentRules, changeElement, removeAgentChains } from '../support/firewall.ts';
import { lsi } from '../support/xray-api.ts';
import { moveBytes } from '../../../test-support/tcp-traffic.ts';
import { waitFor } from '../../../test-support/wait.ts';

const SPEC_OPERATIONS = [
  'post /api/keys', 'get /api/keys', 'get /api/keys/{key_id}', 'get /api/keys/{key_id}/config', 'delete /api/keys/{key_id}',
  'get /api/traffic/simple', 'get /api/keys/{key_id}/traffic/simple', 'post /api/keys/{key_id}/traffic/simple/reset',
  'get /api/traffic/history', 'get /api/keys/{key_id}/traffic/history', 'get /api/traffic/daily/{date}',
  'post /api/keys/{key_id}/traffic/history/reset', 'post /api/traffic/history/cleanup',
  'get /api/traffic/monthly', 'get /api/keys/{key_id}/traffic/monthly',
  'get /api/traffic/status', 'post /api/system/sync-config', 'get /api/system/config-status', 'post /api/system/verify-reality',
  'get /api/system/ports', 'post /api/system/ports/reset', 'get /api/system/ports/status', 'get /api/system/traffic/summary',
  'get /api/system/xray/config-status', 'post /api/system/xray/sync-config', 'get /api/system/xray/validate-sync',
  'patch /api/keys/{key_id}', 'get /api/traffic/daily/{date}/keys',
];

describe('system endpoints keep Xray and the firewall in step with the keys', () => {
  let agent: AgentProcess;
  let xrayBin: string;
  const configStatus = async () => (await agent.get('/api/system/config-status')).body.data;
  const liveTags = () => lsi(agent.xrayApiPort);

  before(async () => {
    removeAgentChains();
    const binDir = mkdtempSync(join(tmpdir(), 'keyport-bin-'));
    mkdirSync(binDir, { recursive: true });
    xrayBin = join(binDir, 'xray');
    agent = await AgentProcess.start({ xrayBin });
  });
  after(async () => agent?.dispose());

  test('the OpenAPI document lists every operation of the spec', async () => {
    const { status, body } = await agent.get('/api/openapi.json');
    assert.equal(status, 200);
    assert.equal(body.info.version, '2.1.3');
    const documented = Object.entries(body.paths as Record<string, object>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    assert.deepEqual(SPEC_OPERATIONS.filter((operation) => !documented.includes(operation)), []);
    const name = body.paths['/api/keys'].post.requestBody.content['application/json'].schema.properties.name;
    assert.equal(name.maxLength, 1000, 'code points; the rule of 1-100 characters is in the description');
    assert.match(name.description, /1-100 characters .*no control, bidirectional or invisible formatting characters/);
    const patch = body.paths['/api/keys/{key_id}'].patch;
    assert.deepEqual(Object.keys(patch.requestBody.content['application/json'].schema.properties).sort(), [
      'data_limit_bytes',
      'data_limit_reset',
      'expires_at',
      'is_active',
      'name',
      'note',
    ]);
    const key = body.paths['/api/keys/{key_id}'].get.responses['200'].content['application/json'].schema.properties;
    for (const field of ['status', 'used_bytes', 'period_started_at', 'data_limit_bytes', 'expires_at', 'note']) assert.ok(key[field], `a key lists ${field}`);
    assert.deepEqual(Object.keys(patch.responses['409'].content['application/json'].schema.properties).sort(), ['detail', 'key_id', 'reason', 'status']);
  });

  test('without Xray the agent still stores keys and says exactly what is out of sync', async () => {
    const key = (await agent.post('/api/keys', { name: 'before-xray' })).body;
    assert.equal(key.port, 10001);
    const status = await configStatus();
    assert.equal(status.in_sync, false);
    assert.deepEqual(status.xray.process, { running: false, pid: null, rss_bytes: null, open_fds: null, open_files_limit: null });
    assert.equal(status.xray.binary.installed, false);
    assert.deepEqual(status.xray.binary.version_support, { version: null, support: 'unknown', minimum: '1.8.12', checked: '26.7.28' });
    assert.equal(status.xray.config_file.in_sync, true);
    assert.deepEqual(status.xray.config_file.missing_inbounds, []);
    assert.equal(status.xray.live, null);
    assert.equal(status.xray.api.reachable, false);
    assert.equal(status.firewall.in_sync, true);
    assert.equal(status.firewall.unavailable_reason, null);
    const validation = (await agent.get('/api/system/xray/validate-sync')).body.data;
    assert.equal(validation.valid, false);
    assert.deepEqual(validation.checks.map((check: { name: string; ok: boolean }) => [check.name, check.ok]), [
      ['config_test', false],
      ['file_matches_keys', true],
      ['routing_blocks_private_destinations', true],
      ['keys_served', false],
      ['live_matches_keys', false],
    ]);
  });

  test('once Xray is there, sync-config starts it with every key and traffic flows', async () => {
    symlinkSync(FAKE_XRAY, xrayBin);
    const synced = (await agent.post('/api/system/sync-config')).body.data;
    assert.equal(synced.xray.ok, true);
    assert.equal(synced.xray.method, 'start');
    assert.equal(synced.in_sync, true);
    assert.deepEqual(synced.xray_status.binary.version_support, { version: '26.7.28', support: 'ok', minimum: '1.8.12', checked: '26.7.28' });
    const keys = (await agent.get('/api/keys')).body;
    assert.deepEqual((await liveTags()).sort(), keys.map((key: { id: string }) => `keyport-${key.id}`).sort());
    await moveBytes(keys[0].port, 100, 100);
    const validation = (await agent.get('/api/system/xray/validate-sync')).body.data;
    assert.equal(validation.valid, true, JSON.stringify(validation));
  });

  test('the host figures name the Xray the agent runs and the disk of its data dir, without Xray as null', async () => {
    const { data } = (await agent.get('/api/system/host')).body;
    assert.equal(data.xray_version, '26.7.28');
    assert.equal(data.disk.path, agent.dataDir);
    assert.ok(data.disk.total_bytes > 0 && data.disk.available_bytes <= data.disk.total_bytes, JSON.stringify(data.disk));
    assert.ok(data.memory.total_bytes > 0 && data.uptime_seconds > 0 && data.cpu_count > 0, JSON.stringify(data));
    const moved = `${xrayBin}.away`;
    renameSync(xrayBin, moved);
    try {
      assert.equal((await agent.get('/api/system/host')).body.data.xray_version, null);
    } finally {
      renameSync(moved, xrayBin);
    }
  });

  test("config-status reports the running Xray's resident memory, open files and inbound count", async () => {
    const { xray } = await configStatus();
    const pid = agent.xrayPid();
    assert.equal(xray.process.pid, pid);
    const rssKiB = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    assert.ok(xray.process.rss_bytes > 0, JSON.stringify(xray.process));
    // The same process, read a moment apart: within a factor of two, not some other process's figure.
    assert.ok(xray.process.rss_bytes > (rssKiB * 1024) / 2 && xray.process.rss_bytes < rssKiB * 1024 * 2, `${xray.process.rss_bytes} vs ${rssKiB} KiB`);
    const keys = (await agent.get('/api/keys')).body;
    // At least one listening socket per inbound, the API's and stdio besides.
    assert.ok(xray.process.open_fds >= keys.length + 3, JSON.stringify(xray.process));
    assert.ok(xray.process.open_files_limit >= xray.process.open_fds, JSON.stringify(xray.process));
    assert.equal(xray.live.inbounds, keys.length);
  });

  test('an inbound lost from the running Xray is reported and put back by xray sync-config', async () => {
    const key = (await agent.post('/api/keys', { name: 'lost-inbound' })).body;
    execFileSync(FAKE_XRAY, ['api', 'rmi', '-s', `127.0.0.1:${agent.xrayApiPort}`, `keyport-${key.id}`]);
    const status = (await agent.get('/api/system/xray/config-status')).body.data;
    assert.equal(status.in_sync, false);
    assert.deepEqual(status.live.missing_inbounds, [`keyport-${key.id}`]);
    const pid = agent.xrayPid();
    const synced = (await agent.post('/api/system/xray/sync-config')).body.data;
    assert.equal(synced.applied.method, 'api');
    assert.equal(synced.status.in_sync, true);
    assert.equal(agent.xrayPid(), pid, 'a live sync must not restart Xray');
  });

  test('when Xray is down, a change starts it from the validated config file', async () => {
    const pid = agent.xrayPid();
    assert.ok(pid);
    process.kill(pid, 'SIGTERM');
    await waitFor('xray to stop', () => (agent.xrayPid() === undefined ? true : undefined));
    const key = (await agent.post('/api/keys', { name: 'while-down' })).body;
    const status = (await agent.get('/api/system/xray/config-status')).body.data;
    assert.equal(status.last_apply.method, 'start');
    assert.equal(status.in_sync, true);
    assert.ok((await liveTags()).includes(`keyport-${key.id}`));
  });

  test('firewall drift is reported by config-status and repaired by sync-config', async () => {
    const [key] = (await agent.get('/api/keys')).body;
    changeElement('delete', 'tx', key.port);
    changeElement('add', 'rx', 10900);
    const drifted = (await configStatus()).firewall;
    assert.equal(drifted.in_sync, false);
    assert.deepEqual(drifted.incomplete_ports, [key.port]);
    assert.deepEqual(drifted.extra_ports, [10900]);
    const synced = (await agent.post('/api/system/sync-config')).body.data;
    assert.deepEqual(synced.firewall.removed, [10900]);
    assert.deepEqual(synced.firewall.repaired, [key.port]);
    assert.equal((await configStatus()).firewall.in_sync, true);
  });

  test('verify-reality checks the form of the settings, then probes the target from the server', async () => {
    const { status, body } = await agent.post('/api/system/verify-reality');
    assert.equal(status, 200);
    const checks = body.data.checks as Array<{ name: string; ok: boolean; level: string; detail: string }>;
    assert.deepEqual(checks.map((check) => check.name), ['key_pair', 'short_ids', 'target', 'server_names', 'config_file', 'target_connect']);
    assert.ok(checks.slice(0, 5).every((check) => check.ok), JSON.stringify(checks));
    // The test namespace reaches nothing outside loopback: the probe says so, in words for an admin.
    assert.equal(body.data.valid, false);
    assert.match(checks[5]!.detail, /^www\.example\.com:443 did not accept a TCP connection from this server \(the name www\.example\.com does not resolve on this server\)/);
    assert.deepEqual(body.data.server_names, ['www.example.com', 'cdn.example.com']);
    assert.equal(body.data.target, 'www.example.com:443');
    assert.match(body.data.public_key, /^[A-Za-z0-9_-]{43}$/);
  });

  test('ports shows assignments; ports reset compacts them and keeps every key served and counted', async () => {
    const keys = (await agent.get('/api/keys')).body;
    await agent.request('DELETE', `/api/keys/${keys[0].id}`);
    const report = (await agent.get('/api/system/ports')).body.data;
    assert.deepEqual(report.range, { from: 10001, to: 10999 });
    assert.equal(report.used_ports, keys.length - 1);
    assert.equal(report.free_ports, 999 - (keys.length - 1));
    assert.ok(!report.assignments.some((entry: { port: number }) => entry.port === 10001));

    const reset = (await agent.post('/api/system/ports/reset')).body.data;
    assert.ok(reset.moved.length > 0);
    const after = (await agent.get('/api/keys')).body;
    assert.deepEqual(after.map((key: { port: number }) => key.port).sort(), after.map((_: unknown, index: number) => 10001 + index));
    const rulePorts = new Set(agentRules().map((rule) => Number(/port (\d+)/.exec(rule)?.[1])));
    assert.deepEqual([...rulePorts].sort(), after.map((key: { port: number }) => key.port).sort());
    const status = await configStatus();
    assert.equal(status.in_sync, true, JSON.stringify(status));
    const ports = (await agent.get('/api/system/ports/status')).body.data;
    assert.equal(ports.valid, true, JSON.stringify(ports.issues));
    await moveBytes(after[0].port, 1_000, 0);
    await waitFor('moved key counted', async () => {
      const history = (await agent.get(`/api/keys/${after[0].id}/traffic/history`)).body.data;
      return history.total_traffic.rx_bytes >= 1_000 ? true : undefined;
    });
  });

  test('ports status flags a key whose port is outside the range or not counted', async () => {
    const [key] = (await agent.get('/api/keys')).body;
    for (const set of ['rx', 'tx', 'syn'] as const) changeElement('delete', set, key.port);
    const ports = (await agent.get('/api/system/ports/status')).body.data;
    assert.equal(ports.valid, false);
    assert.deepEqual(ports.issues, [{ port: key.port, key_id: key.id, problem: 'no traffic-counting firewall rules' }]);
    await agent.post('/api/system/sync-config');
    assert.equal((await agent.get('/api/system/ports/status')).body.data.valid, true);
  });

  test('traffic status and summary describe the sampler, the keys and the server totals', async () => {
    const status = (await agent.get('/api/traffic/status')).body.data;
    assert.equal(status.sampler.running, true);
    assert.equal(status.sampler.interval_seconds, 0.2);
    assert.equal(status.sampler.last_cycle.ok, true);
    assert.equal(status.firewall_available, true);
    assert.ok(status.keys.every((entry: { rules_installed: boolean }) => entry.rules_installed));

    const keys = (await agent.get('/api/keys')).body;
    await agent.request('PATCH', `/api/keys/${keys[0].id}`, { is_active: false });
    const summary = (await agent.get('/api/system/traffic/summary')).body.data;
    assert.deepEqual(summary.keys, { total: keys.length, active: keys.length - 1, disabled: 1 });
    const history = (await agent.get('/api/traffic/history')).body.data;
    assert.equal(summary.lifetime.total_bytes, history.total_traffic_bytes);
    assert.ok(summary.today.total_bytes > 0);
    assert.equal(summary.month.year_month, new Date().toISOString().slice(0, 7));
  });
});
