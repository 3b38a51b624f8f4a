import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { before, describe, test } from 'node:test';
import { suiteAgent } from '../support/suite-agent.ts';
import { lsi } from '../support/xray-api.ts';
import { moveBytes } from '../../../test-support/tcp-traffic.ts';

describe('server settings: Reality target and names, private destinations, access log', () => {
  const agent = suiteAgent();
  const settings = async () => (await agent().get('/api/system/settings')).body.data.settings;
  const patch = (body: unknown) => agent().request('PATCH', '/api/system/settings', body);
  const fileConfig = () => JSON.parse(readFileSync(agent().xrayConfigPath, 'utf8'));

  before(async () => {
    await agent().post('/api/keys', { name: 'first' });
    await agent().post('/api/keys', { name: 'second' });
  });

  test('start from the flags: users kept off the server, no access log', async () => {
    assert.deepEqual(await settings(), {
      link_host: null,
      reality_target: 'www.example.com:443',
      reality_server_names: ['www.example.com', 'cdn.example.com'],
      reality_fingerprint: 'chrome',
      allow_private_destinations: false,
      access_log: false,
    });
    const config = fileConfig();
    assert.equal(config.log.access, 'none');
    assert.ok(config.routing.rules.every((rule: { outboundTag: string }) => rule.outboundTag === 'block'));
    assert.ok(config.routing.rules.find((rule: { ip?: string[] }) => rule.ip)?.ip.includes('127.0.0.0/8'));
    const status = (await agent().get('/api/system/config-status')).body.data;
    assert.equal(status.xray.config_file.routing.in_sync, true);
    assert.equal(status.xray.config_file.routing.private_destinations_blocked, true);
  });

  test('bad settings are refused with 400 and change nothing', async () => {
    const before = await settings();
    for (const body of [
      {},
      { reality_target: 'no-port.example.com' },
      { reality_target: 'a b:443' },
      { reality_target: 'x.example.com:70000' },
      { reality_server_names: [] },
      { reality_server_names: ['*.example.com'] },
      { reality_fingerprint: 'netscape' },
      { allow_private_destinations: 'yes' },
      { access_log: 1 },
      { link_host: 'vpn example.com' },
      { link_host: '203.0.113.7:443' },
      { link_host: 7 },
      { surprise: true },
    ]) {
      const response = await patch(body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(typeof response.body.detail, 'string');
    }
    assert.deepEqual(await settings(), before);
  });

  test('new Reality names re-add every inbound live: same Xray, links follow', async () => {
    const pid = agent().xrayPid();
    const changed = await patch({ reality_target: 'www.example.org:443', reality_server_names: ['www.example.org'] });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.data.applied.method, 'api', JSON.stringify(changed.body.data.applied));
    assert.equal(changed.body.data.applied.ok, true);
    assert.equal(agent().xrayPid(), pid, 'no restart for a Reality change');
    const keys = (await agent().get('/api/keys')).body as Array<{ id: string; port: number }>;
    assert.deepEqual((await lsi(agent().xrayApiPort)).sort(), keys.map((key) => `keyport-${key.id}`).sort());
    for (const inbound of fileConfig().inbounds) {
      assert.equal(inbound.streamSettings.realitySettings.dest, 'www.example.org:443');
      assert.deepEqual(inbound.streamSettings.realitySettings.serverNames, ['www.example.org']);
    }
    const link = (await agent().get(`/api/keys/${keys[0]!.id}/config`)).body.vless_url as string;
    assert.equal(new URL(link).searchParams.get('sni'), 'www.example.org');
    assert.equal((await agent().get('/api/system/config-status')).body.data.in_sync, true);
    await moveBytes(keys[0]!.port, 10, 10);
  });

  test('a fingerprint change touches only the links', async () => {
    const pid = agent().xrayPid();
    const changed = await patch({ reality_fingerprint: 'firefox' });
    assert.equal(changed.body.data.applied, null);
    assert.equal(agent().xrayPid(), pid);
    const [key] = (await agent().get('/api/keys')).body;
    assert.equal(new URL((await agent().get(`/api/keys/${key.id}/config`)).body.vless_url).searchParams.get('fp'), 'firefox');
  });

  test('a link host changes every link at once, Xray untouched, and null goes back to --public-host', async () => {
    const pid = agent().xrayPid();
    const [key] = (await agent().get('/api/keys')).body;
    const changed = await patch({ link_host: 'edge.example.net' });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.data.applied, null);
    assert.equal(agent().xrayPid(), pid);
    const link = (await agent().get(`/api/keys/${key.id}/config`)).body.vless_url as string;
    assert.equal(new URL(link).hostname, 'edge.example.net');
    assert.equal(new URL(link).port, String(key.port));
    await patch({ link_host: null });
    assert.equal(new URL((await agent().get(`/api/keys/${key.id}/config`)).body.vless_url).hostname, 'vpn.example.com');
    await patch({ link_host: 'edge.example.net' });
  });

  test('allowing private destinations drops the block rule (one restart), and turning it off puts it back', async () => {
    const pid = agent().xrayPid();
    const opened = await patch({ allow_private_destinations: true });
    assert.equal(opened.body.data.applied.method, 'restart', JSON.stringify(opened.body.data.applied));
    assert.notEqual(agent().xrayPid(), pid);
    assert.deepEqual(fileConfig().routing.rules, []);
    let status = (await agent().get('/api/system/config-status')).body.data;
    assert.equal(status.xray.config_file.routing.in_sync, true);
    assert.equal(status.in_sync, true, JSON.stringify(status));

    await patch({ allow_private_destinations: false });
    assert.equal(fileConfig().routing.rules[0].outboundTag, 'block');
    status = (await agent().get('/api/system/config-status')).body.data;
    assert.equal(status.in_sync, true, JSON.stringify(status));
  });

  test('a block rule removed by hand is reported by config-status and validate-sync, and put back by sync-config', async () => {
    const config = fileConfig();
    config.routing.rules = [];
    writeFileSync(agent().xrayConfigPath, JSON.stringify(config));
    const status = (await agent().get('/api/system/config-status')).body.data;
    assert.equal(status.in_sync, false);
    assert.equal(status.xray.config_file.routing.private_destinations_blocked, false);
    assert.match(status.xray.config_file.routing.detail, /missing or altered/);
    const validation = (await agent().get('/api/system/xray/validate-sync')).body.data;
    assert.equal(validation.checks.find((check: { name: string }) => check.name === 'routing_blocks_private_destinations').ok, false);
    await agent().post('/api/system/sync-config');
    assert.equal((await agent().get('/api/system/config-status')).body.data.xray.config_file.routing.in_sync, true);
  });

  test('the access log is opt-in and goes to a file in the data dir', async () => {
    await patch({ access_log: true });
    assert.equal(fileConfig().log.access, `${agent().dataDir}/xray-access.log`);
    await patch({ access_log: false });
    assert.equal(fileConfig().log.access, 'none');
  });

  test('settings survive an agent restart', async () => {
    await agent().stop();
    await agent().launch();
    const now = await settings();
    assert.equal(now.reality_target, 'www.example.org:443');
    assert.equal(now.reality_fingerprint, 'firefox');
    assert.equal(now.link_host, 'edge.example.net');
  });
});

describe('an agent upgraded over an older one keeps the Reality names its links carry', () => {
  const agent = suiteAgent();

  test('target and names are read from the Xray config it finds, not from the new defaults', async () => {
    const key = (await agent().post('/api/keys', { name: 'old-link' })).body;
    await agent().stop();
    // What an older agent (no settings table) left behind: the config file, with its names.
    const config = JSON.parse(readFileSync(agent().xrayConfigPath, 'utf8'));
    for (const inbound of config.inbounds) {
      inbound.streamSettings.realitySettings.dest = 'legacy.example.net:443';
      inbound.streamSettings.realitySettings.serverNames = ['legacy.example.net'];
    }
    writeFileSync(agent().xrayConfigPath, JSON.stringify(config));
    const db = new DatabaseSync(`${agent().dataDir}/keyport.db`);
    db.exec('DELETE FROM settings');
    db.close();
    await agent().launch();
    const link = (await agent().get(`/api/keys/${key.id}/config`)).body.vless_url as string;
    assert.equal(new URL(link).searchParams.get('sni'), 'legacy.example.net');
  });
});
