import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { buildAgent } from '../support/build-for-tests.ts';
import { agentGet, getInside } from '../support/inside-server.ts';
import { addAndDeploy, keyport, keyportJson } from '../support/keyport-cli.ts';
import { scratchHome, type ScratchHome } from '../support/scratch-home.ts';
import { decodedLinks } from '../support/subscription-body.ts';

/** The subscription listener's port: outside the key ports, the API (8000) and Xray's (10085). */
const SUB_PORT = 8443;
/** The public name links should carry; the test server itself is reached on 127.0.0.1 (as behind ProxyJump). */
const PUBLIC_NAME = 'vpn.keyport-e2e.test';

interface KeyConfigJson {
  data: { vless_url: string; key: { id: string; port: number; subscription_url: string } };
}

/**
 * `keyport server set` against a real test server: the host written into links set and taken back,
 * each key's link and subscription (URL and body) following at once, bad input refused with nothing
 * changed, and a new key port range that the agent is deployed again with.
 */
describe('keyport server set: link settings on a test server', { timeout: 600_000 }, () => {
  let server: TestServer;
  let home: ScratchHome;
  let keyId: string;

  const config = () => keyportJson<KeyConfigJson>(['keys', 'config', 'srv', 'alice'], home.env);
  const settings = () => agentGet(server, '/api/system/settings').data.settings;
  const ports = () => agentGet(server, '/api/system/ports').data;
  /** The key's subscription body, fetched inside the server at its URL's path (the public name resolves nowhere here). */
  const subscriptionLinks = (url: string) => {
    const answer = getInside(server, `http://127.0.0.1:${SUB_PORT}${new URL(url).pathname}`);
    assert.equal(answer.status, 200, answer.body);
    return decodedLinks(answer.body);
  };

  before(async () => {
    buildAgent();
    server = await TestServer.create(await freePort());
    home = scratchHome('keyport-e2e-link-settings-');
    await addAndDeploy(home.env, 'srv', server, { subscriptionsPort: SUB_PORT });
    keyId = (await keyportJson<{ id: string }>(['keys', 'create', 'srv', 'alice'], home.env)).id;
  });

  after(async () => {
    await server?.destroy();
    home?.remove();
  });

  test('links name the SSH host until a link host is set; then the link and the subscription name it at once', async () => {
    const first = (await config()).data;
    assert.equal(new URL(first.vless_url).hostname, '127.0.0.1');

    const set = await keyport(['server', 'set', 'srv', '--link-host', PUBLIC_NAME], home.env);
    assert.equal(set.code, 0, set.stdout + set.stderr);
    assert.match(set.stdout, new RegExp(`Link host: 127\\.0\\.0\\.1 \\(the SSH host\\) -> ${PUBLIC_NAME.replaceAll('.', '\\.')}\\n`));
    assert.match(set.stdout, /Warning: every key's link and QR code on srv has changed/);

    const now = (await config()).data;
    const link = new URL(now.vless_url);
    assert.equal(link.hostname, PUBLIC_NAME);
    assert.equal(link.port, String(now.key.port), 'the key keeps its port');
    assert.equal(now.vless_url.replace(PUBLIC_NAME, '127.0.0.1'), first.vless_url, 'nothing but the host changed');
    assert.equal(agentGet(server, `/api/keys/${keyId}/config`).vless_url, now.vless_url, 'the agent answers the same');
    assert.match(now.key.subscription_url, new RegExp(`^http://${PUBLIC_NAME.replaceAll('.', '\\.')}:${SUB_PORT}/sub/`));
    assert.equal(now.key.subscription_url.replace(PUBLIC_NAME, '127.0.0.1'), first.key.subscription_url, 'same token, new host');
    assert.deepEqual(subscriptionLinks(now.key.subscription_url), [now.vless_url]);
    assert.equal(settings().link_host, PUBLIC_NAME);
  });

  test('bad input is refused, and nothing changes', async () => {
    const before = settings();
    const link = (await config()).data.vless_url;
    // Usage errors exit 2 before the core opens; a range the core refuses exits 1.
    for (const [args, code, said] of [
      [['--link-host', 'not a host'], 2, /--link-host: "not a host" is not a host name or an IP address/],
      [['--link-host', `${PUBLIC_NAME}:443`], 2, /--link-host: .* is not an IPv6 address/],
      [['--reality-target', 'no-port.example'], 2, /--reality-target: must be HOST:PORT/],
      [[], 2, /give at least one of/],
      [['--key-ports', '30000-20000'], 1, /key ports 30000-20000 are not a range of unprivileged TCP ports/],
      [['--key-ports', '8000-9000'], 1, /hold the agent's API port 8000/],
    ] as const) {
      const refused = await keyport(['server', 'set', 'srv', ...args], home.env);
      assert.equal(refused.code, code, `${args.join(' ')}: ${refused.stderr}`);
      assert.match(refused.stderr, said);
    }
    // Valid on its face, refused by the server's keys: alice's port is outside. The link host beside it is not taken either.
    const port = (await config()).data.key.port;
    const outside = await keyport(['server', 'set', 'srv', '--link-host', 'other.keyport-e2e.test', '--key-ports', '20001-20999'], home.env);
    assert.equal(outside.code, 1, outside.stdout + outside.stderr);
    assert.match(outside.stderr, new RegExp(`1 of srv's 1 key\\(s\\) have ports outside 20001-20999 \\(its keys use ${port}-${port}\\)`));
    assert.match(outside.stderr, new RegExp(`keyport server set srv --key-ports ${Math.min(port, 20001)}-${Math.max(port, 20999)}`));
    assert.deepEqual(settings(), before);
    assert.deepEqual(ports().range, { from: 10001, to: 29999 });
    assert.equal((await config()).data.vless_url, link);
  });

  test('a key port range that holds the keys deploys the agent with it; keys keep their ports and links', async () => {
    const link = (await config()).data.vless_url;
    const set = await keyport(['server', 'set', 'srv', '--key-ports', '10001-39999'], home.env, 300_000);
    assert.equal(set.code, 0, set.stdout + set.stderr);
    assert.match(set.stdout, /^\[health-check\] /m, 'the agent was deployed again');
    assert.match(set.stdout, /Key ports: 10001-29999 -> 10001-39999/);
    assert.doesNotMatch(set.stdout, /Warning/, 'no link changed');
    assert.deepEqual(ports().range, { from: 10001, to: 39999 });
    assert.equal((await config()).data.vless_url, link);
    assert.equal(settings().link_host, PUBLIC_NAME, 'the link host outlives the new release');
    const servers = await keyportJson<Array<{ name: string; agent: { keyPorts: { from: number; to: number } } }>>(['server', 'list'], home.env);
    assert.deepEqual(servers.find((entry) => entry.name === 'srv')?.agent.keyPorts, { from: 10001, to: 39999 }, 'later deploys keep it');
  });

  test('--no-link-host goes back to the SSH host, link and subscription alike', async () => {
    const set = await keyport(['server', 'set', 'srv', '--no-link-host'], home.env);
    assert.equal(set.code, 0, set.stdout + set.stderr);
    const now = (await config()).data;
    assert.equal(new URL(now.vless_url).hostname, '127.0.0.1');
    assert.match(now.key.subscription_url, new RegExp(`^http://127\\.0\\.0\\.1:${SUB_PORT}/sub/`));
    assert.deepEqual(subscriptionLinks(now.key.subscription_url), [now.vless_url]);
  });
});
