import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { ServerSettingsPatch } from '../../../shared/contract/api-types.ts';
import type { DeployOptions, DeployResult, SubscriptionCertificate } from '../../../shared/contract/deploy.ts';
import type { KeyportError } from '../../../shared/contract/errors.ts';
import { deployedAlpha, openTempCache } from '../cache/testing/temp-cache.ts';
import { changeLinkSettings } from './link-settings-change.ts';
import type { ServerSessions } from './server-sessions.ts';
import { SETTINGS } from './testing/server-settings.ts';

const SYNCED = '2025-08-05T12:00:00.000Z';

/** A real self-signed certificate (openssl) naming `altNames`, as PEM. */
function selfSigned(t: TestContext, altNames: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyport-link-cert-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=vpn.example.com', '-keyout', join(dir, 'key.pem'), '-out', out, '-addext', `subjectAltName=${altNames}`], { stdio: 'ignore' });
  return readFileSync(out, 'utf8');
}
const DEPLOYED = { release: 'r2', agentVersion: '0.1.0', facts: { os: 'debian', arch: 'x64', init: 'systemd', asRoot: true }, runtimeUploaded: false, rolledBack: false } as unknown as DeployResult;

/** How the server's subscriptions are served in a test: plain HTTP, or HTTPS with a certificate the server's file may hold. */
interface ServedSubscriptions {
  certificate: SubscriptionCertificate | null;
  readCertificate?: () => Promise<string | null>;
}

/** changeLinkSettings over a real cache, an agent holding keys on `keyPorts`, and a deploy that records what it was asked. */
function linkSettingsWith(t: TestContext, keyPorts: number[], deployAnswer: DeployResult = DEPLOYED, served: ServedSubscriptions = { certificate: null }) {
  const { cache } = openTempCache(t);
  const alpha = deployedAlpha(SYNCED);
  const urlBase = `${served.certificate ? 'https' : 'http'}://alpha.example:8443`;
  cache.saveServer({ ...alpha, agent: { ...alpha.agent!, keyPorts: { from: 10001, to: 29999 }, subscriptions: { port: 8443, urlBase, certificate: served.certificate } } });
  const patches: ServerSettingsPatch[] = [];
  const deploys: DeployOptions[] = [];
  let held = SETTINGS;
  let range = { from: 10001, to: 29999 };
  const client = {
    getSettings: async () => ({ status: 'success', timestamp: SYNCED, data: { settings: held } }),
    getPorts: async () => ({ status: 'success', timestamp: SYNCED, data: { range, total_ports: 0, used_ports: 0, free_ports: 0, assignments: keyPorts.map((port) => ({ port, key_id: `k${port}`, key_name: `k${port}`, is_active: true })) } }),
    updateSettings: async (patch: ServerSettingsPatch) => {
      patches.push(patch);
      held = { ...held, ...patch };
      return { status: 'success', timestamp: SYNCED, data: { settings: held, applied: null } };
    },
  };
  const sessions = { client: async () => client } as unknown as ServerSessions;
  const deploy = async (_server: string, options: DeployOptions) => {
    deploys.push(options);
    if (!deployAnswer.rolledBack) {
      range = options.keyPorts!;
      const server = cache.listServers()[0]!;
      cache.saveServer({ ...server, agent: { ...server.agent!, keyPorts: range } });
    }
    return deployAnswer;
  };
  const pushedFor: string[] = [];
  const afterLinksChanged = async (serverId: string) => {
    pushedFor.push(serverId);
    return [{ server: 'beta', done: true as const, what: 'bundles of 1 key(s)' }];
  };
  const deps = { cache, sessions, deploy, afterLinksChanged, readSubscriptionCertificate: served.readCertificate };
  const change = (request: Parameters<typeof changeLinkSettings>[2]) => changeLinkSettings(deps, 'alpha', request, () => undefined);
  return { cache, patches, deploys, pushedFor, change };
}

test('a link host goes to the agent alone, before and after said; the record’s subscription URL names it', async (t) => {
  const { cache, patches, deploys, pushedFor, change } = linkSettingsWith(t, [10001]);
  const result = await change({ linkHost: 'VPN.example.com' });
  assert.deepEqual(pushedFor, ['s1'], 'the people of alpha get its new links in their bundles elsewhere');
  assert.deepEqual(result.bundles, [{ server: 'beta', done: true, what: 'bundles of 1 key(s)' }]);
  assert.deepEqual(patches, [{ link_host: 'vpn.example.com' }]);
  assert.deepEqual(deploys, []);
  assert.deepEqual(result.changed, ['linkHost']);
  assert.deepEqual([result.before.linkHost, result.before.linkHostSet, result.after.linkHost, result.after.linkHostSet], ['alpha.example', false, 'vpn.example.com', true]);
  assert.equal(cache.listServers()[0]!.agent?.subscriptions?.urlBase, 'http://vpn.example.com:8443');
});

test("a new link host is checked against the HTTPS subscription certificate the server serves; plain HTTP has none to check", async (t) => {
  const pem = selfSigned(t, 'DNS:vpn.example.com,DNS:*.cdn.example.net');
  const certificate = { subject: 'CN=vpn.example.com', notAfter: '2027-01-01T00:00:00.000Z', fingerprint256: 'AB:CD' };
  const served = { certificate, readCertificate: async () => pem };
  assert.deepEqual((await linkSettingsWith(t, [10001], DEPLOYED, served).change({ linkHost: 'vpn.example.com' })).subscriptionCertificate, { subject: 'CN=vpn.example.com', namesLinkHost: true });
  assert.deepEqual((await linkSettingsWith(t, [10001], DEPLOYED, served).change({ linkHost: 'edge.cdn.example.net' })).subscriptionCertificate?.namesLinkHost, true, 'a wildcard name counts');
  const other = await linkSettingsWith(t, [10001], DEPLOYED, served).change({ linkHost: '203.0.113.7' });
  assert.deepEqual([other.changed, other.subscriptionCertificate], [['linkHost'], { subject: 'CN=vpn.example.com', namesLinkHost: false }], 'the change is made, and the mismatch said');
  const unreadable = { certificate, readCertificate: async () => Promise.reject(new Error('connection lost')) };
  assert.deepEqual((await linkSettingsWith(t, [10001], DEPLOYED, unreadable).change({ linkHost: 'vpn.example.com' })).subscriptionCertificate, { subject: 'CN=vpn.example.com', namesLinkHost: null });
  assert.equal((await linkSettingsWith(t, [10001], DEPLOYED, served).change({ realityTarget: 'www.example.org:443' })).subscriptionCertificate, undefined, 'the link host stayed');
  assert.equal((await linkSettingsWith(t, [10001]).change({ linkHost: 'vpn.example.com' })).subscriptionCertificate, undefined, 'plain HTTP');
});

test('values the server has already are not sent again', async (t) => {
  const { patches, change } = linkSettingsWith(t, [10001]);
  const result = await change({ realityTarget: SETTINGS.reality_target, keyPorts: { from: 10001, to: 29999 }, linkHost: null });
  assert.deepEqual(result.changed, []);
  assert.deepEqual(patches, []);
});

test('a new range alone leaves links as they are: no bundle is pushed', async (t) => {
  const { pushedFor, change } = linkSettingsWith(t, [10001]);
  const result = await change({ keyPorts: { from: 10001, to: 39999 } });
  assert.deepEqual(result.changed, ['keyPorts']);
  assert.deepEqual([pushedFor, result.bundles], [[], []]);
});

test('a new range that holds the keys deploys with it, then the settings follow', async (t) => {
  const { patches, deploys, change } = linkSettingsWith(t, [10001, 10002]);
  const result = await change({ keyPorts: { from: 10001, to: 39999 }, realityServerNames: ['www.example.org'] });
  assert.deepEqual(deploys, [{ keyPorts: { from: 10001, to: 39999 } }]);
  assert.deepEqual(patches, [{ reality_server_names: ['www.example.org'] }]);
  assert.deepEqual(result.changed, ['realityServerNames', 'keyPorts']);
  assert.deepEqual(result.after.keyPorts, { from: 10001, to: 39999 });
});

test('a range that leaves out keys is refused with how many, before anything is sent or deployed', async (t) => {
  const { patches, deploys, change } = linkSettingsWith(t, [10001, 10002, 25000]);
  await assert.rejects(change({ keyPorts: { from: 20001, to: 29999 }, linkHost: 'vpn.example.com' }), (error: KeyportError) => {
    assert.equal(error.code, 'key-ports-exclude-keys');
    assert.deepEqual(error.facts, { server: 'alpha', from: 20001, to: 29999, outside: 2, lowestPort: 10001, highestPort: 25000 });
    return true;
  });
  assert.deepEqual([patches, deploys], [[], []]);
});

test('bad values are refused naming the field, before the server is asked', async (t) => {
  const { patches, deploys, change } = linkSettingsWith(t, []);
  for (const [request, field] of [
    [{ linkHost: 'vpn example.com' }, 'link_host'],
    [{ realityTarget: 'no-port' }, 'reality_target'],
    [{ keyPorts: { from: 500, to: 600 } }, 'keyPorts'],
    [{ keyPorts: { from: 8000, to: 9000 } }, 'keyPorts'],
    [{ keyPorts: { from: 8000, to: 8500 } }, 'keyPorts'],
    [{}, undefined],
  ] as const) {
    await assert.rejects(change(request), (error: KeyportError) => error.code === 'bad-input' && error.facts.field === field, JSON.stringify(request));
  }
  assert.deepEqual([patches, deploys], [[], []]);
});

test('a deploy that rolled back changes nothing else', async (t) => {
  const { patches, change } = linkSettingsWith(t, [10001], { ...DEPLOYED, rolledBack: true });
  const result = await change({ keyPorts: { from: 10001, to: 39999 }, linkHost: 'vpn.example.com' });
  assert.deepEqual(result.changed, []);
  assert.equal(result.deploy?.rolledBack, true);
  assert.deepEqual(patches, []);
  assert.deepEqual(result.after, result.before);
});
