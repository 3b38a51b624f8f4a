import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import type { AgentContext } from '../../src/agent-context.ts';
import { buildApp } from '../../src/app.ts';
import { notFound } from '../../src/lib/http-error.ts';
import type { Logger } from '../../src/lib/logger.ts';
import { SettingsService } from '../../src/services/settings/settings-service.ts';
import { KeyStore, NO_LIMITS } from '../../src/services/store/key-store.ts';
import { SettingsStore } from '../../src/services/store/settings-store.ts';
import { SubscriptionStore } from '../../src/services/subscriptions/subscription-store.ts';
import { subscriptionUrlBase } from '../../src/services/subscriptions/subscription-url-base.ts';
import { Subscriptions } from '../../src/services/subscriptions/subscriptions.ts';
import type { XrayManager } from '../../src/services/xray/xray-manager.ts';
import { tempDatabase } from './temp-db.ts';

const silent = { error() {}, warn() {}, info() {} } as unknown as Logger;
const API_KEY = 'k'.repeat(43);
const PUBLIC_HOST = '10.0.0.5';
const SUBSCRIPTION_FLAGS = { host: '0.0.0.0', port: 8443, tls: undefined, urlBase: `http://${PUBLIC_HOST}:8443`, urlBaseFollowsHost: true };
const SEED = {
  linkHost: null,
  realityTarget: 'www.example.com:443',
  realityServerNames: ['www.example.com'],
  realityFingerprint: 'chrome',
  allowPrivateDestinations: false,
  accessLog: false,
};

/**
 * The settings, keys and subscriptions routes over real stores on a temp SQLite file, as
 * create-agent wires the link host; Xray is never needed (a link host change touches only links).
 */
async function fixture() {
  const { db } = tempDatabase();
  const keyStore = new KeyStore(db);
  const settingsStore = new SettingsStore(db, SEED);
  const subscriptionStore = new SubscriptionStore(db);
  const linkHost = () => settingsStore.get().linkHost ?? PUBLIC_HOST;
  const xray = {
    realityOptions: { dest: 'www.example.com:443', serverNames: ['www.example.com'], fingerprint: 'chrome' },
    replaceInbounds: () => assert.fail('a link host change must not touch the inbounds'),
    restart: () => assert.fail('a link host change must not restart Xray'),
  } as unknown as XrayManager;
  const realityKeys = { privateKey: 'unused', publicKey: 'PBK', shortIds: ['ab12'] };
  const subscriptions = new Subscriptions({
    store: subscriptionStore,
    links: { linkHost, realityKeys, xray },
    key: (id) => keyStore.get(id),
    usedBytes: () => 0,
    urlBase: () => subscriptionUrlBase(SUBSCRIPTION_FLAGS, settingsStore.get().linkHost),
  });
  const keys = {
    list: () => keyStore.list(),
    get: (id: string) => keyStore.get(id) ?? (() => { throw notFound('no such key'); })(),
    usedBytes: () => 0,
  };
  const ctx = { keys, settings: new SettingsService(settingsStore, () => xray), subscriptions, realityKeys, xray, linkHost, now: () => 0 } as unknown as AgentContext;
  const app = await buildApp({ ctx, apiKey: API_KEY, log: silent });
  after(() => app.close());
  const key = keyStore.create({ id: randomUUID(), name: 'alice', uuid: randomUUID(), createdAtMs: 0, limits: NO_LIMITS, limitStatus: 'active' }, { from: 10001, to: 10999 }, () => false);
  subscriptionStore.issue([key.id]);
  const call = async (method: 'GET' | 'PATCH', url: string, payload?: unknown) => {
    const answer = await app.inject({ method, url, headers: { 'x-api-key': API_KEY }, ...(payload !== undefined && { payload: payload as object }) });
    return { status: answer.statusCode, body: answer.json() };
  };
  const subscriptionBody = () => Buffer.from(subscriptions.answer(subscriptionStore.tokenOf(key.id)!, 'base64').body, 'base64').toString('utf8');
  return { call, key, settingsStore, subscriptionBody, reopen: () => new SettingsStore(db, SEED).get() };
}

describe('the link host setting through the API', async () => {
  const f = await fixture();
  const settings = async () => (await f.call('GET', '/api/system/settings')).body.data.settings;
  const link = async () => (await f.call('GET', `/api/keys/${f.key.id}/config`)).body.vless_url as string;

  test('null until set: links name --public-host', async () => {
    assert.equal((await settings()).link_host, null);
    assert.equal(new URL(await link()).hostname, PUBLIC_HOST);
    assert.equal((await f.call('GET', `/api/keys/${f.key.id}`)).body.subscription_url.startsWith(`http://${PUBLIC_HOST}:8443/sub/`), true);
  });

  test('once set, every link names it at once: /config, key objects, the subscription URL and body', async () => {
    const changed = await f.call('PATCH', '/api/system/settings', { link_host: ' VPN.Example.com ' });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.data.settings.link_host, 'vpn.example.com');
    assert.equal(changed.body.data.applied, null, 'only links changed');
    const url = await link();
    assert.match(url, /^vless:\/\/[0-9a-f-]+@vpn\.example\.com:10001\?/);
    const config = (await f.call('GET', `/api/keys/${f.key.id}/config`)).body;
    assert.equal(config.qr_code_data, url);
    assert.match(config.key.subscription_url, /^http:\/\/vpn\.example\.com:8443\/sub\//);
    const listed = (await f.call('GET', '/api/keys')).body as Array<{ subscription_url: string }>;
    assert.match(listed[0]!.subscription_url, /^http:\/\/vpn\.example\.com:8443\/sub\//);
    assert.equal(f.subscriptionBody(), url);
  });

  test('an IPv6 link host is stored bare and written in brackets', async () => {
    await f.call('PATCH', '/api/system/settings', { link_host: '[2001:DB8::7]' });
    assert.equal((await settings()).link_host, '2001:db8::7');
    assert.match(await link(), /@\[2001:db8::7\]:10001\?/);
    assert.match(f.subscriptionBody(), /@\[2001:db8::7\]:10001\?/);
  });

  test('a bad link host is refused with 400 naming the field, and changes nothing', async () => {
    const before = await settings();
    const linkBefore = await link();
    for (const value of ['', 'vpn example.com', 'vpn.example.com:443', 'https://vpn.example.com', '10.0.0.256', '2001:db8:::7', 42, true, ['a']]) {
      const refused = await f.call('PATCH', '/api/system/settings', { link_host: value });
      assert.equal(refused.status, 400, JSON.stringify(value));
      assert.match(refused.body.detail, /link_host/, JSON.stringify(value));
    }
    // One bad field refuses the whole change.
    assert.equal((await f.call('PATCH', '/api/system/settings', { link_host: 'bad host', reality_fingerprint: 'firefox' })).status, 400);
    assert.deepEqual(await settings(), before);
    assert.equal(await link(), linkBefore);
  });

  test('null goes back to --public-host; the setting is stored', async () => {
    await f.call('PATCH', '/api/system/settings', { link_host: 'vpn.example.com' });
    assert.equal(f.reopen().linkHost, 'vpn.example.com');
    const cleared = await f.call('PATCH', '/api/system/settings', { link_host: null });
    assert.equal(cleared.body.data.settings.link_host, null);
    assert.equal(new URL(await link()).hostname, PUBLIC_HOST);
    assert.equal(f.reopen().linkHost, null);
  });
});
