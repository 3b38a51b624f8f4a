import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { waitFor } from '../../test-support/wait.ts';
import { OutsideNetwork, type OutsideLink } from '../harness/outside-network.ts';
import { TestServer } from '../harness/test-server.ts';
import { buildAgent } from '../support/build-for-tests.ts';
import { probeFrom } from '../support/http-probe.ts';
import { agentGet, getInNamespace } from '../support/inside-server.ts';
import { addAndDeploy, keyportJson } from '../support/keyport-cli.ts';
import { scratchHome, type ScratchHome } from '../support/scratch-home.ts';
import { sshAliasAt } from '../support/ssh-alias-at.ts';
import { decodedLinks } from '../support/subscription-body.ts';
import { BLOB_BYTES, testBlob } from '../support/test-blob.ts';
import { parseVlessLink, v2rayClientConfig } from '../support/v2ray-client-config.ts';
import { serveKeysWithV2ray } from '../support/v2ray-for-test-server.ts';
import { startV2ray, v2rayBinary } from '../support/v2ray-peer.ts';

const MARKER_SERVER = resolve(import.meta.dirname, '../support/marker-http-server.ts');
const SUBSCRIPTION_PORT = 8443;
const OUTSIDE_HOST_PORT = 8080;
const BLOB_SHA256 = createHash('sha256').update(testBlob()).digest('hex');
type ServerName = 'alpha' | 'beta';

interface PersonJson {
  uuid: string;
  name: string;
  keys: { server: ServerName; key: { id: string; uuid: string; is_active: boolean } }[];
  subscriptionUrls: { server: ServerName; url: string }[];
}

function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root: it makes network namespaces';
  if (!v2rayBinary()) return "needs Debian's v2ray as the real VLESS peer: scripts/setup.sh installs it";
  return false;
}

/** The sing-box outbound a link stands for, read off the link itself (everything but the tag). */
function outboundOf(text: string): object {
  const link = parseVlessLink(text);
  const param = (name: string) => link.params.get(name);
  assert.equal(param('security'), 'reality', text);
  return {
    type: 'vless',
    server: link.host,
    server_port: link.port,
    uuid: link.uuid,
    flow: param('flow'),
    tls: { enabled: true, server_name: param('sni'), utls: { enabled: true, fingerprint: param('fp') }, reality: { enabled: true, public_key: param('pbk'), short_id: param('sid') } },
  };
}

/**
 * Subscriptions as a person's phone uses them, against two test servers deployed through the CLI
 * with `--subscriptions`. Each server is added by its address on a link of its own to an "outside"
 * namespace (the phone and the internet; the console gets there over SSH through the server's own
 * entrance), so keys' links and subscription URLs name addresses the phone reaches and are used as
 * given. A person on both: the subscription fetched from each decodes to both links, sing-box gets
 * the same; Debian's v2ray, serving the agent's own config in place of the stand-in Xray, and a
 * v2ray client built from a link out of the subscription carry a 1 MiB download from the outside
 * host; a new link makes the old one 404; a person moved from alpha to beta finds beta in their
 * subscription, whose link reaches the outside through beta under the same uuid, while the old
 * alpha link carries nothing.
 */
describe('subscriptions through a real VLESS client', { skip: skipReason(), timeout: 600_000 }, () => {
  let outside: OutsideNetwork;
  let home: ScratchHome;
  const servers = {} as Record<ServerName, { server: TestServer; link: OutsideLink }>;
  /** What anna's and boris's subscriptions decoded to, by server, as the phone fetched them first. */
  const decoded: Record<string, Partial<Record<ServerName, string[]>>> = {};
  let socksPorts = 1080;

  const person = async (name: string) => (await keyportJson<{ people: PersonJson[] }>(['people', 'list'], home.env)).people.find((entry) => entry.name === name)!;
  const keyOn = (someone: PersonJson, server: ServerName) => someone.keys.find((entry) => entry.server === server)!.key;
  const subscriptionOn = (someone: PersonJson, server: ServerName) => someone.subscriptionUrls.find((entry) => entry.server === server)!.url;
  const linkOf = async (server: ServerName, keyId: string) => (await keyportJson<{ data: { vless_url: string } }>(['keys', 'config', server, keyId], home.env)).data.vless_url;
  const fromPhone = (url: string) => getInNamespace(outside.namespace, url);
  /** The outside host as reached through `server`: only that server has a route to this address. */
  const blobVia = (server: ServerName) => `http://[${servers[server].link.outsideAddress}]:${OUTSIDE_HOST_PORT}/blob`;
  /** A v2ray client on the phone built from `link`, with a SOCKS5 port of its own there. */
  const clientFor = async (name: string, link: string) => {
    const port = socksPorts++;
    await startV2ray(outside, outside.namespace, name, v2rayClientConfig(parseVlessLink(link), port), home.dir, [port]);
    return `127.0.0.1:${port}`;
  };
  /** rx + tx the agent has counted on the key (its history, all days). */
  const countedBytes = (server: ServerName, keyId: string) => {
    const { rx_bytes: rx, tx_bytes: tx } = agentGet(servers[server].server, `/api/keys/${keyId}/traffic/history`).data.total_traffic;
    return (rx as number) + (tx as number);
  };

  before(async () => {
    buildAgent();
    outside = OutsideNetwork.create();
    home = scratchHome('keyport-vpn-subscriptions-');
    for (const name of ['alpha', 'beta'] as const) {
      const server = await TestServer.create(await freePort());
      servers[name] = { server, link: outside.join(server.namespace) };
      await sshAliasAt(home.env.HOME!, `${name}-vps`, server, servers[name].link.serverAddress);
      await addAndDeploy(home.env, name, server, { alias: `${name}-vps`, subscriptionsPort: SUBSCRIPTION_PORT });
    }
    const host = outside.spawn('outside host', outside.namespace, process.execPath, [
      MARKER_SERVER,
      ...Object.values(servers).map(({ link }) => `[${link.outsideAddress}]:${OUTSIDE_HOST_PORT}=outside-host`),
    ]);
    await host.waitForOutput(/listening/);
  });

  after(async () => {
    await outside?.destroy();
    for (const { server } of Object.values(servers)) await server.destroy();
    home?.remove();
  });

  test('a person on both servers: their subscription, fetched from each by the phone, decodes to both servers’ links, their own first', async () => {
    await keyportJson(['people', 'add', 'anna', 'alpha', 'beta'], home.env);
    await keyportJson(['people', 'add', 'boris', 'alpha'], home.env);
    const anna = await person('anna');
    const links = { alpha: await linkOf('alpha', keyOn(anna, 'alpha').id), beta: await linkOf('beta', keyOn(anna, 'beta').id) };
    for (const [server, other] of [['alpha', 'beta'], ['beta', 'alpha']] as const) {
      const { serverAddress } = servers[server].link;
      assert.equal(parseVlessLink(links[server]).host, serverAddress, 'the link names the server as the phone reaches it');
      const url = subscriptionOn(anna, server);
      assert.match(url, new RegExp(`^http://\\[${serverAddress}\\]:${SUBSCRIPTION_PORT}/sub/[A-Za-z0-9_-]{32}$`));
      const answer = fromPhone(url);
      assert.equal(answer.status, 200, `${server}: ${answer.body}`);
      assert.equal(answer.headers['profile-title'], 'anna');
      (decoded.anna ??= {})[server] = decodedLinks(answer.body);
      assert.deepEqual(decoded.anna[server], [links[server], links[other]], `${server}'s subscription`);
    }
    const boris = await person('boris');
    decoded.boris = { alpha: decodedLinks(fromPhone(subscriptionOn(boris, 'alpha')).body) };
    assert.deepEqual(decoded.boris.alpha, [await linkOf('alpha', keyOn(boris, 'alpha').id)]);
  });

  test('?format=sing-box gives one vless outbound per link, with the link’s uuid, server, port, flow and REALITY fields', async () => {
    const anna = await person('anna');
    const answer = fromPhone(`${subscriptionOn(anna, 'alpha')}?format=sing-box`);
    assert.equal(answer.status, 200, answer.body);
    assert.match(answer.headers['content-type'] ?? '', /^application\/json/);
    const { outbounds } = JSON.parse(answer.body) as { outbounds: ({ tag: string } & Record<string, unknown>)[] };
    assert.deepEqual(outbounds.map(({ tag: _tag, ...outbound }) => outbound), decoded.anna!.alpha!.map(outboundOf));
    assert.ok(outbounds.every((outbound) => outbound.uuid === anna.uuid));
    // Both keys are named anna: sing-box refuses two outbounds with one tag.
    assert.deepEqual(outbounds.map((outbound) => outbound.tag), ['anna', 'anna (2)']);
  });

  test("a v2ray client built from alpha's link as the subscription gave it downloads the outside host's 1 MiB intact, counted on the key", async () => {
    await serveKeysWithV2ray(servers.alpha.server, outside, home.dir);
    const [link] = decoded.anna!.alpha!;
    const socks5 = await clientFor('v2ray-anna-alpha', link!);
    const [download] = await probeFrom(outside.namespace, [{ url: blobVia('alpha'), socks5 }]);
    assert.equal(download!.status, 200, JSON.stringify(download));
    assert.deepEqual([download!.bodyBytes, download!.bodySha256], [BLOB_BYTES, BLOB_SHA256]);
    const keyId = keyOn(await person('anna'), 'alpha').id;
    await waitFor('the download counted on anna’s key on alpha', () => (countedBytes('alpha', keyId) >= BLOB_BYTES ? true : undefined), 30_000);
  });

  test('people rotate: the old subscription URLs answer 404 at once, the new ones 200 with both links', async () => {
    const before = await person('anna');
    await keyportJson(['people', 'rotate', 'anna'], home.env);
    const after = await person('anna');
    for (const server of ['alpha', 'beta'] as const) {
      assert.notEqual(subscriptionOn(after, server), subscriptionOn(before, server));
      assert.equal(fromPhone(subscriptionOn(before, server)).status, 404, `${server}'s old URL`);
      const answer = fromPhone(subscriptionOn(after, server));
      assert.equal(answer.status, 200, `${server}'s new URL`);
      assert.deepEqual(decodedLinks(answer.body), decoded.anna![server]);
    }
  });

  test('moved from alpha to beta and disabled on alpha: the subscription lists beta, whose link reaches the outside through beta with the same uuid; the old alpha link carries nothing', async () => {
    const [oldLink] = decoded.boris!.alpha!;
    const oldClient = await clientFor('v2ray-boris-alpha', oldLink!);
    const [beforeMove] = await probeFrom(outside.namespace, [{ url: blobVia('alpha'), socks5: oldClient }]);
    assert.equal(beforeMove!.bodySha256, BLOB_SHA256, `before the move the alpha link works: ${JSON.stringify(beforeMove)}`);

    await keyportJson(['people', 'move', '--from', 'alpha', '--to', 'beta', 'boris', '--disable-now'], home.env);
    const boris = await person('boris');
    assert.deepEqual(boris.keys.map(({ server, key }) => [server, key.uuid, key.is_active]), [
      ['alpha', boris.uuid, false],
      ['beta', boris.uuid, true],
    ]);
    const betaLink = await linkOf('beta', keyOn(boris, 'beta').id);
    assert.equal(parseVlessLink(betaLink).host, servers.beta.link.serverAddress);
    assert.equal(parseVlessLink(betaLink).uuid, parseVlessLink(oldLink!).uuid, 'the same uuid');
    const fromBeta = fromPhone(subscriptionOn(boris, 'beta'));
    assert.equal(fromBeta.status, 200, fromBeta.body);
    assert.deepEqual(decodedLinks(fromBeta.body), [betaLink], "beta's subscription lists beta alone: alpha's key is disabled");
    // The URL boris's phone has is alpha's: refreshed, it points the app at beta.
    const fromAlpha = fromPhone(subscriptionOn(boris, 'alpha'));
    assert.equal(fromAlpha.status, 200, fromAlpha.body);
    assert.deepEqual(decodedLinks(fromAlpha.body), [betaLink], "alpha's subscription lists beta");

    await serveKeysWithV2ray(servers.beta.server, outside, home.dir);
    const newClient = await clientFor('v2ray-boris-beta', decodedLinks(fromBeta.body)[0]!);
    const countedBefore = countedBytes('beta', keyOn(boris, 'beta').id);
    // In one batch: the new link carries the download while the old one gets nothing through.
    const [throughBeta, throughOldAlpha] = await probeFrom(outside.namespace, [
      { url: blobVia('beta'), socks5: newClient },
      { url: blobVia('alpha'), socks5: oldClient },
    ]);
    assert.deepEqual([throughBeta!.status, throughBeta!.bodyBytes, throughBeta!.bodySha256], [200, BLOB_BYTES, BLOB_SHA256], JSON.stringify(throughBeta));
    assert.equal(throughOldAlpha!.reached, false, `the old alpha link still carries traffic: ${JSON.stringify(throughOldAlpha)}`);
    await waitFor('the download counted on boris’s key on beta', () => (countedBytes('beta', keyOn(boris, 'beta').id) >= countedBefore + BLOB_BYTES ? true : undefined), 30_000);
  });
});
