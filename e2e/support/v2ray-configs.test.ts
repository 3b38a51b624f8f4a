import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateRealityKeys } from '../../remote-agent/src/services/xray/reality-keys.ts';
import { buildXrayConfig } from '../../remote-agent/src/services/xray/xray-config.ts';
import { buildVlessUrl } from '../../remote-agent/src/lib/vless-url.ts';
import { parseVlessLink, v2rayClientConfig } from './v2ray-client-config.ts';
import { v2rayBinary } from './v2ray-peer.ts';
import { v2rayServerConfig, type AgentXrayConfig } from './v2ray-server-config.ts';

const UUID = '0ca90044-1680-4cc3-80eb-81bdf408ae74';
const reality = { dest: 'www.example.com:443', serverNames: ['www.example.com'], fingerprint: 'chrome' };

function agentConfig(): AgentXrayConfig {
  const config = buildXrayConfig([{ id: 'k1', uuid: UUID, port: 10001 }], {
    apiListen: '127.0.0.1:10085',
    realityKeys: generateRealityKeys(),
    reality,
    allowPrivateDestinations: false,
  });
  return JSON.parse(JSON.stringify(config)) as AgentXrayConfig;
}

function v2rayTest(config: object): void {
  const dir = mkdtempSync(join(tmpdir(), 'keyport-v2ray-test-'));
  try {
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    execFileSync(v2rayBinary()!, ['-test', '-config', join(dir, 'config.json')], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(String((error as { stdout?: Buffer }).stdout));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the server transform changes only what v2ray lacks, and leaves the agent config as it was', () => {
  const original = agentConfig();
  const before = JSON.stringify(original);
  const served = v2rayServerConfig(original);
  assert.equal(JSON.stringify(original), before);
  assert.equal('api' in served, false);
  const inbound = served.inbounds[0]!;
  assert.deepEqual(inbound.streamSettings, { network: 'tcp', security: 'none' });
  assert.deepEqual(inbound.settings, { clients: [{ id: UUID, email: 'k1' }], decryption: 'none' });
  assert.deepEqual(inbound.sniffing, { enabled: true, destOverride: ['http', 'tls'] });
  const { streamSettings: _s, settings: _c, sniffing: _f, ...rest } = inbound;
  const { streamSettings: _s0, settings: _c0, sniffing: _f0, ...originalRest } = original.inbounds[0]!;
  assert.deepEqual(rest, originalRest);
  for (const field of ['log', 'routing', 'outbounds'] as const) assert.equal(JSON.stringify(served[field]), JSON.stringify(original[field]));
});

test('a client config from a key link: its address, port, uuid and transport, security none', () => {
  const link = parseVlessLink(
    buildVlessUrl({ uuid: UUID, host: '2001:db8:1::1', port: 10001, serverName: 'www.example.com', fingerprint: 'chrome', publicKey: 'pk', shortId: 'ab', name: 'Мама 📱' }),
  );
  assert.deepEqual([link.uuid, link.host, link.port, link.name], [UUID, '2001:db8:1::1', 10001, 'Мама 📱']);
  assert.deepEqual((v2rayClientConfig(link, 1080) as { outbounds: unknown[] }).outbounds, [
    {
      tag: 'vpn',
      protocol: 'vless',
      settings: { vnext: [{ address: '2001:db8:1::1', port: 10001, users: [{ id: UUID, encryption: 'none' }] }] },
      streamSettings: { network: 'tcp', security: 'none' },
    },
  ]);
});

test('v2ray 4.34 refuses the agent config as written and takes both transformed ones', { skip: !v2rayBinary() && 'v2ray is not installed' }, () => {
  assert.throws(() => v2rayTest(agentConfig()), /unknown protocol: quic/);
  v2rayTest(v2rayServerConfig(agentConfig()));
  v2rayTest(v2rayClientConfig(parseVlessLink(`vless://${UUID}@[2001:db8:1::1]:10001?encryption=none&type=tcp#k`), 1080));
});
