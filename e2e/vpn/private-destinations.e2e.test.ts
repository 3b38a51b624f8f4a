import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { NamespaceProcess } from '../harness/namespace-process.ts';
import { METADATA_ADDRESS, METADATA_NAME, OUTSIDE_ADDRESS, SERVER_ADDRESS, SERVER_LOOPBACK_NAME, VpnTestNetwork } from '../harness/vpn-test-network.ts';
import { probeFrom, type HttpProbeResult } from '../support/http-probe.ts';
import { NamespacedAgent } from '../support/namespaced-agent.ts';
import { testBlob, BLOB_BYTES } from '../support/test-blob.ts';
import { parseVlessLink, v2rayClientConfig } from '../support/v2ray-client-config.ts';
import { startV2ray, v2rayBinary } from '../support/v2ray-peer.ts';
import { v2rayServerConfig, type AgentXrayConfig } from '../support/v2ray-server-config.ts';
import { waitFor } from '../../test-support/wait.ts';

const MARKER_SERVER = resolve(import.meta.dirname, '../support/marker-http-server.ts');
/** The key holder's SOCKS5 port, on the client namespace's own loopback. */
const SOCKS_PORT = 1080;
const AGENT_API_PORT = 8000;
const XRAY_API_PORT = 10085;
const LOOPBACK_SERVICE_PORT = 9100;
const BLOB_URL = `http://[${OUTSIDE_ADDRESS}]:8080/blob`;

/** What a key holder must not reach on the server, and how each answers when it is reached. */
const SERVER_TARGETS = [
  { what: "the agent's API by address", url: `http://127.0.0.1:${AGENT_API_PORT}/api/keys`, answer: { status: 401 } },
  { what: "the agent's API as localhost", url: `http://localhost:${AGENT_API_PORT}/api/keys`, answer: { status: 401 } },
  { what: 'another loopback service', url: `http://127.0.0.1:${LOOPBACK_SERVICE_PORT}/`, answer: { bodyText: 'loopback-service\n' } },
  { what: 'a loopback service by a name of its own', url: `http://${SERVER_LOOPBACK_NAME}:${LOOPBACK_SERVICE_PORT}/`, answer: { bodyText: 'loopback-service\n' } },
  { what: 'a loopback service on ::1', url: `http://[::1]:${LOOPBACK_SERVICE_PORT}/`, answer: { bodyText: 'loopback6-service\n' } },
  { what: 'a loopback service as 0.0.0.0 (Linux connects that to loopback)', url: `http://0.0.0.0:${LOOPBACK_SERVICE_PORT}/`, answer: { bodyText: 'loopback-service\n' } },
  { what: 'a loopback service as :: (Linux connects that to ::1)', url: `http://[::]:${LOOPBACK_SERVICE_PORT}/`, answer: { bodyText: 'loopback6-service\n' } },
  { what: 'a loopback service as IPv4-mapped ::ffff:127.0.0.1', url: `http://[::ffff:127.0.0.1]:${LOOPBACK_SERVICE_PORT}/`, answer: { bodyText: 'loopback-service\n' } },
  { what: "Xray's API port", url: `http://127.0.0.1:${XRAY_API_PORT}/`, answer: { bodyText: 'xray-api-port\n' } },
  { what: 'the cloud metadata service', url: `http://${METADATA_ADDRESS}/latest/meta-data/`, answer: { bodyText: 'metadata\n' } },
  { what: 'the cloud metadata service by name', url: `http://${METADATA_NAME}/computeMetadata/v1/`, answer: { bodyText: 'metadata\n' } },
] as const;

function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root: it makes network namespaces';
  if (!v2rayBinary()) return "needs Debian's v2ray as the real VLESS peer: scripts/setup.sh installs it";
  return false;
}

function assertAnswered(result: HttpProbeResult, target: (typeof SERVER_TARGETS)[number]): void {
  assert.ok(result.reached, `${target.what} (${target.url}) did not answer: ${result.error}`);
  if ('status' in target.answer) assert.equal(result.status, target.answer.status, `${target.what}: ${JSON.stringify(result)}`);
  if ('bodyText' in target.answer) assert.equal(result.bodyText, target.answer.bodyText, `${target.what}: ${JSON.stringify(result)}`);
}

/**
 * A key holder's traffic on a real VLESS core: Debian's v2ray 4.34 serves the agent's own Xray
 * config (transformed only where v2ray lacks Xray's features, routing and outbounds untouched), and
 * a v2ray client built from the key's vless:// link connects from the outside host. The download
 * from the internet side arrives; nothing on the server (its loopback by address, by name and over
 * ::1, Xray's API port, the cloud metadata address) answers. With the agent's
 * allow_private_destinations switched on, the same probes reach every one of them: the blocked
 * probes fail because of the agent's routing, not because the decoys or the path are broken.
 */
describe('a key holder reaches the internet through a real VLESS peer, never the server', { skip: skipReason(), timeout: 240_000 }, () => {
  let network: VpnTestNetwork;
  let scratch: string;
  let agent: NamespacedAgent;
  let apiPortDecoy: NamespaceProcess | undefined;
  let v2rayServer: NamespaceProcess | undefined;
  let agentConfigText: string;
  let keyPort: number;
  let vlessUrl: string;

  const startApiPortDecoy = async () => {
    apiPortDecoy = network.spawn('xray-api-port decoy', network.server, process.execPath, [MARKER_SERVER, `127.0.0.1:${XRAY_API_PORT}=xray-api-port`]);
    await apiPortDecoy.waitForOutput(/listening/);
  };

  /** The agent's stand-in Xray goes (by its pid), and its ports with it, so v2ray can serve them. */
  const replaceStandInXray = async () => {
    await agent.stopXray();
    await waitFor(
      'the key port and the Xray API port to be free',
      () => (network.listening(network.server, keyPort) || network.listening(network.server, XRAY_API_PORT) ? undefined : true),
      5_000,
    );
  };

  const startV2rayServer = async () => {
    const config = v2rayServerConfig(JSON.parse(agentConfigText) as AgentXrayConfig);
    v2rayServer = await startV2ray(network, network.server, 'v2ray-server', config, scratch, [keyPort]);
  };

  const throughVpn = (urls: readonly string[]) => probeFrom(network.outside, urls.map((url) => ({ url, socks5: `127.0.0.1:${SOCKS_PORT}` })));

  before(async () => {
    network = VpnTestNetwork.create();
    scratch = mkdtempSync(join(tmpdir(), 'keyport-vpn-'));
    const outside = network.spawn('outside host', network.outside, process.execPath, [
      MARKER_SERVER,
      `[${OUTSIDE_ADDRESS}]:8080=outside-host`,
      `${METADATA_ADDRESS}:80=metadata`,
    ]);
    const loopback = network.spawn('loopback service', network.server, process.execPath, [
      MARKER_SERVER,
      `127.0.0.1:${LOOPBACK_SERVICE_PORT}=loopback-service`,
      `[::1]:${LOOPBACK_SERVICE_PORT}=loopback6-service`,
    ]);
    await Promise.all([outside.waitForOutput(/listening/), loopback.waitForOutput(/listening/)]);

    agent = await NamespacedAgent.start(network, { dataDir: join(scratch, 'agent'), publicHost: SERVER_ADDRESS });
    const created = await agent.request('POST', '/api/keys', { name: 'vpn user' });
    assert.ok(created.status === 200 || created.status === 201, JSON.stringify(created));
    keyPort = created.body.port;
    const config = await agent.request('GET', `/api/keys/${created.body.id}/config`);
    assert.equal(config.status, 200, JSON.stringify(config));
    vlessUrl = config.body.vless_url;
    // Key changes reach the file coalesced; config-status flushes it, so the text read has the key.
    await agent.request('GET', '/api/system/xray/config-status');
    agentConfigText = readFileSync(agent.xrayConfigPath, 'utf8');

    await replaceStandInXray();
    await startApiPortDecoy();
  });

  after(async () => {
    await agent?.stop();
    await network?.destroy();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('every decoy answers from inside the server, and the server reaches the outside host', async () => {
    const results = await probeFrom(network.server, [...SERVER_TARGETS.map((target) => ({ url: target.url })), { url: BLOB_URL }]);
    SERVER_TARGETS.forEach((target, index) => assertAnswered(results[index]!, target));
    assert.equal(results.at(-1)!.bodyBytes, BLOB_BYTES);
  });

  test("v2ray serves the agent's config with routing and outbounds exactly as the agent wrote them", async () => {
    const agentConfig = JSON.parse(agentConfigText) as AgentXrayConfig;
    const served = v2rayServerConfig(agentConfig);
    assert.equal(JSON.stringify(served.routing), JSON.stringify(agentConfig.routing));
    assert.equal(JSON.stringify(served.outbounds), JSON.stringify(agentConfig.outbounds));
    assert.equal(JSON.stringify(served.log), JSON.stringify(agentConfig.log));
    assert.equal(served.inbounds.length, 1);
    assert.equal(served.inbounds[0]!.port, keyPort);
    await startV2rayServer();

    const link = parseVlessLink(vlessUrl);
    assert.equal(link.host, SERVER_ADDRESS);
    assert.equal(link.port, keyPort);
    assert.equal(link.params.get('security'), 'reality', 'the link is the Reality one the agent hands out');
    await startV2ray(network, network.outside, 'v2ray-client', v2rayClientConfig(link, SOCKS_PORT), scratch, [SOCKS_PORT]);
  });

  test("through the key's link the outside host's 1 MiB arrives intact", async () => {
    const [download] = await throughVpn([BLOB_URL]);
    assert.equal(download!.status, 200, JSON.stringify(download));
    assert.equal(download!.bodyBytes, BLOB_BYTES);
    assert.equal(download!.bodySha256, createHash('sha256').update(testBlob()).digest('hex'));
  });

  test("through the key's link nothing on the server answers: loopback by address, by name and on ::1, Xray's API port, 169.254.169.254", async () => {
    // The download in the same batch shows the tunnel itself works while these fail.
    const results = await throughVpn([...SERVER_TARGETS.map((target) => target.url), BLOB_URL]);
    assert.equal(results.at(-1)!.bodyBytes, BLOB_BYTES, JSON.stringify(results.at(-1)));
    const reached = SERVER_TARGETS.map((target, index) => ({ target, result: results[index]! }))
      .filter(({ result }) => result.reached)
      .map(({ target, result }) => `${target.what}: ${JSON.stringify(result)}`);
    assert.deepEqual(reached, [], 'a key holder reached the server');
  });

  test("the key holder's connections leave no access line (address, destination, key id) in the server's log", () => {
    assert.doesNotMatch(v2rayServer!.output, /accepted/, v2rayServer!.output);
  });

  test('positive control: with allow_private_destinations on, the same probes reach every decoy', async () => {
    await v2rayServer!.stop();
    await apiPortDecoy!.stop();
    const patched = await agent.request('PATCH', '/api/system/settings', { allow_private_destinations: true });
    assert.equal(patched.status, 200, JSON.stringify(patched));
    const blockingConfigText = agentConfigText;
    agentConfigText = await waitFor(
      'the agent to rewrite its Xray config for the setting',
      () => {
        const text = readFileSync(agent.xrayConfigPath, 'utf8');
        return text === blockingConfigText ? undefined : text;
      },
      10_000,
    );
    // Applying the setting may have (re)started the stand-in Xray on the key port and API port.
    await replaceStandInXray();
    await startApiPortDecoy();
    await startV2rayServer();

    const results = await throughVpn([...SERVER_TARGETS.map((target) => target.url), BLOB_URL]);
    SERVER_TARGETS.forEach((target, index) => assertAnswered(results[index]!, target));
    assert.equal(results.at(-1)!.bodyBytes, BLOB_BYTES);
  });
});
