import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUNDLE_MAX_LINKS, BUNDLES_BULK_MAX } from '../../src/api/subscriptions.ts';
import { AgentProcess } from '../support/agent-process.ts';
import { removeAgentChains } from '../support/firewall.ts';
import { freePort, moveBytes } from '../../../test-support/tcp-traffic.ts';

const REPO = join(import.meta.dirname, '../../..');
const UUID = '3F1C9A2E-8B7D-4E6F-9A1B-2C3D4E5F6A7B';
const other = (host: string) =>
  `vless://0b7c7c2e-8f7a-4a4e-9d2c-5d8c3f1e2a10@${host}:443?encryption=none&security=reality&sni=www.example.com&fp=chrome&pbk=OTHERPBK&sid=cd34&type=tcp&flow=xtls-rprx-vision#alice%20${host}`;

interface SubAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let source = 0;
/** A GET to the subscription listener, each from another loopback address (the listener limits each IP). */
function subGet(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<SubAnswer> {
  source += 1;
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, method, headers, localAddress: `127.0.3.${source}` }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const lines = (body: string) => (body === '' ? [] : Buffer.from(body, 'base64').toString('utf8').split('\n'));

describe('people and subscriptions on the real agent', () => {
  let agent: AgentProcess;
  let subPort: number;

  before(async () => {
    removeAgentChains();
    subPort = await freePort();
    agent = await AgentProcess.start({ portRange: '10001-10040', extraFlags: ['--subscription-listen', `127.0.0.1:${subPort}`] });
  });
  after(async () => {
    await agent?.dispose();
  });

  const keys = async () => (await agent.get('/api/keys')).body as Array<Record<string, any>>;
  const subPath = (key: { subscription_url: string }) => new URL(key.subscription_url).pathname;

  test('uuid: taken in any case, stored lower case; another key with it is 409 uuid_taken; a bulk repeating one is 400', async () => {
    const created = await agent.post('/api/keys', { name: 'alice', uuid: UUID });
    assert.equal(created.status, 200);
    assert.equal(created.body.uuid, UUID.toLowerCase());
    const before = await keys();
    const again = await agent.post('/api/keys', { name: 'alice-2', uuid: UUID.toLowerCase() });
    assert.equal(again.status, 409);
    assert.equal(again.body.reason, 'uuid_taken');
    assert.equal(again.body.key_id, created.body.id);
    const bulkTaken = await agent.post('/api/keys/bulk', { keys: [{ name: 'b1' }, { name: 'b2', uuid: UUID }] });
    assert.equal(bulkTaken.status, 409);
    assert.deepEqual([bulkTaken.body.reason, bulkTaken.body.key_id, bulkTaken.body.index], ['uuid_taken', created.body.id, 1]);
    const fresh = '9b2f4c7e-1a2b-4c3d-8e9f-0123456789ab';
    const bulkTwice = await agent.post('/api/keys/bulk', { keys: [{ name: 'c1', uuid: fresh }, { name: 'c2', uuid: fresh.toUpperCase() }] });
    assert.equal(bulkTwice.status, 400);
    assert.deepEqual([bulkTwice.body.reason, bulkTwice.body.index, bulkTwice.body.duplicate_of], ['duplicate_uuid', 1, 0]);
    const malformed = await agent.post('/api/keys', { name: 'd', uuid: 'not-a-uuid' });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.detail, /uuid must be a UUID/);
    assert.deepEqual(await keys(), before, 'no refused create made a key');
    const bulk = await agent.post('/api/keys/bulk', { keys: [{ name: 'e1', uuid: fresh }, { name: 'e2' }] });
    assert.equal(bulk.status, 201);
    assert.equal(bulk.body[0].uuid, fresh);
    assert.notEqual(bulk.body[1].uuid, fresh);
  });

  test('subscription_url in every key object and /config; the fetch lists the key’s link, then its bundle', async () => {
    const key = (await agent.post('/api/keys', { name: 'bob' })).body;
    assert.match(key.subscription_url, new RegExp(`^http://vpn\\.example\\.com:${subPort}/sub/[A-Za-z0-9_-]{32}$`));
    assert.equal((await agent.get(`/api/keys/${key.id}`)).body.subscription_url, key.subscription_url);
    const config = (await agent.get(`/api/keys/${key.id}/config`)).body;
    assert.equal(config.key.subscription_url, key.subscription_url);
    assert.ok((await keys()).every((listed) => typeof listed.subscription_url === 'string'));
    const put = await agent.request('PUT', `/api/keys/${key.id}/bundle`, { links: [other('a.example'), other('b.example')] });
    assert.equal(put.status, 200);
    assert.deepEqual((await agent.get(`/api/keys/${key.id}/bundle`)).body, { key_id: key.id, links: [other('a.example'), other('b.example')], usage: null });
    const answer = await subGet(subPort, subPath(key));
    assert.equal(answer.status, 200);
    assert.deepEqual(lines(answer.body), [config.vless_url, other('a.example'), other('b.example')]);
    assert.equal(answer.headers['profile-title'], 'bob');
  });

  test('bundle: a bad link or 51 links is 400 naming the index, and the bundle stays as it was', async () => {
    const key = (await agent.post('/api/keys', { name: 'carol' })).body;
    await agent.request('PUT', `/api/keys/${key.id}/bundle`, { links: [other('kept.example')] });
    const bad = ['http://x.example', 'vless://nope@h.example:443', `vless://${UUID}@h.example:99999`, `vless://${UUID}@h.example:443?security=reality`];
    for (const link of bad) {
      const refused = await agent.request('PUT', `/api/keys/${key.id}/bundle`, { links: [other('a.example'), link] });
      assert.equal(refused.status, 400, link);
      assert.equal(refused.body.reason, 'bad_link');
      assert.equal(refused.body.index, 1);
      assert.match(refused.body.detail, /^links\[1\] /);
    }
    const tooMany = await agent.request('PUT', `/api/keys/${key.id}/bundle`, { links: Array.from({ length: BUNDLE_MAX_LINKS + 1 }, (_, i) => other(`h${i}.example`)) });
    assert.equal(tooMany.status, 400);
    const wrongShape = await agent.request('PUT', `/api/keys/${key.id}/bundle`, { links: 'vless://x', extra: 1 });
    assert.equal(wrongShape.status, 400);
    assert.deepEqual((await agent.get(`/api/keys/${key.id}/bundle`)).body.links, [other('kept.example')]);
    const full = await agent.request('PUT', `/api/keys/${key.id}/bundle`, { links: Array.from({ length: BUNDLE_MAX_LINKS }, (_, i) => other(`h${i}.example`)) });
    assert.equal(full.status, 200);
    assert.equal((await agent.request('PUT', '/api/keys/no-such-key/bundle', { links: [] })).status, 404);
    assert.equal((await agent.get('/api/keys/no-such-key/bundle')).status, 404);
  });

  const SYNCED_AT = '2026-12-02T06:00:00.000000';
  const bundleOf = async (keyId: string) => (await agent.get(`/api/keys/${keyId}/bundle`)).body;
  const userInfoOf = async (key: { subscription_url: string }) => (await subGet(subPort, subPath(key))).headers['subscription-userinfo'];

  test('usage: stored, read back, and added to the key’s own figures in subscription-userinfo; null clears it, leaving it out keeps it', async () => {
    const key = (await agent.post('/api/keys', { name: 'erin', data_limit_bytes: 10_000_000, data_limit_reset: 'month', expires_at: '2031-01-02T03:04:05.000000' })).body;
    await moveBytes(key.port, 3000, 7000);
    await agent.settle();
    const ownUsed = (await agent.get(`/api/keys/${key.id}`)).body.used_bytes as number;
    assert.ok(ownUsed >= 10_000, `own used_bytes ${ownUsed}`);
    const expire = Date.parse('2031-01-02T03:04:05Z') / 1000;
    assert.equal(await userInfoOf(key), `upload=0; download=${ownUsed}; total=10000000; expire=${expire}`);

    const usage = { used_bytes: 1_234_567, limit_bytes: 20_000_000, synced_at: '2026-12-02T06:00:00Z' };
    const put = await agent.request('PUT', `/api/keys/${key.id}/bundle`, { links: [other('a.example')], usage });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body, { key_id: key.id, links: [other('a.example')], usage: { ...usage, synced_at: SYNCED_AT } });
    assert.deepEqual(await bundleOf(key.id), put.body);
    assert.equal(await userInfoOf(key), `upload=0; download=${ownUsed + 1_234_567}; total=30000000; expire=${expire}`);

    // Links alone keep the usage; another server without a quota makes the person unlimited (total 0).
    await agent.request('PUT', `/api/keys/${key.id}/bundle`, { links: [other('b.example')] });
    assert.deepEqual((await bundleOf(key.id)).usage, { ...usage, synced_at: SYNCED_AT });
    await agent.request('PUT', `/api/keys/${key.id}/bundle`, { links: [other('b.example')], usage: { ...usage, limit_bytes: null } });
    assert.equal(await userInfoOf(key), `upload=0; download=${ownUsed + 1_234_567}; total=0; expire=${expire}`);
    await agent.request('PUT', `/api/keys/${key.id}/bundle`, { links: [other('b.example')], usage: null });
    assert.deepEqual(await bundleOf(key.id), { key_id: key.id, links: [other('b.example')], usage: null });
    assert.equal(await userInfoOf(key), `upload=0; download=${ownUsed}; total=10000000; expire=${expire}`);

    // A key without a quota is unlimited whatever the others have.
    const plain = (await agent.post('/api/keys', { name: 'erin-unlimited' })).body;
    await agent.request('PUT', `/api/keys/${plain.id}/bundle`, { links: [], usage: { used_bytes: 500, limit_bytes: 1000, synced_at: SYNCED_AT } });
    assert.equal(await userInfoOf(plain), 'upload=0; download=500; total=0; expire=0');
  });

  test('PUT /api/bundles writes many keys’ links and usage at once; what an entry leaves out is kept', async () => {
    const [a, b, c] = (await agent.post('/api/keys/bulk', { names: ['frank-a', 'frank-b', 'frank-c'], data_limit_bytes: 1000 })).body;
    await agent.request('PUT', `/api/keys/${c.id}/bundle`, { links: [other('kept.example')] });
    const usage = { used_bytes: 10, limit_bytes: 2000, synced_at: SYNCED_AT };
    const written = await agent.request('PUT', '/api/bundles', {
      bundles: [
        { key_id: a.id, links: [other('a.example'), other('b.example')], usage },
        { key_id: b.id, links: [] },
        { key_id: c.id, usage },
      ],
    });
    assert.equal(written.status, 200, JSON.stringify(written.body));
    assert.deepEqual(written.body, { updated: 3 });
    assert.deepEqual(await bundleOf(a.id), { key_id: a.id, links: [other('a.example'), other('b.example')], usage });
    assert.deepEqual(await bundleOf(b.id), { key_id: b.id, links: [], usage: null });
    assert.deepEqual(await bundleOf(c.id), { key_id: c.id, links: [other('kept.example')], usage });
    assert.equal(await userInfoOf(c), 'upload=0; download=10; total=3000; expire=0');
    const many = Array.from({ length: BUNDLES_BULK_MAX }, (_, index) => ({ key_id: [a, b, c][index % 3].id, usage }));
    const atMost = await agent.request('PUT', '/api/bundles', { bundles: many });
    assert.equal(atMost.status, 400, 'a thousand entries pass the schema; the same key twice does not');
    assert.equal(atMost.body.reason, 'duplicate_key');
  });

  test('bad input on every field of a bundle and of a bulk write is 400 with its reason and place, and nothing changes', async () => {
    const [a, b] = (await agent.post('/api/keys/bulk', { names: ['gina-a', 'gina-b'] })).body;
    const kept = { links: [other('kept.example')], usage: { used_bytes: 1, limit_bytes: 2, synced_at: SYNCED_AT } };
    await agent.request('PUT', '/api/bundles', { bundles: [{ key_id: a.id, ...kept }, { key_id: b.id, ...kept }] });
    const state = async () => [await bundleOf(a.id), await bundleOf(b.id)];
    const before = await state();
    const good = { used_bytes: 5, limit_bytes: 10, synced_at: SYNCED_AT };
    const badUsages: Array<[unknown, string, RegExp]> = [
      ['lots', 'usage', /usage/],
      [[], 'usage', /usage/],
      [{ ...good, extra: 1 }, 'usage', /unknown field extra/],
      [{ limit_bytes: 10, synced_at: SYNCED_AT }, 'usage', /used_bytes is required/],
      [{ ...good, used_bytes: -1 }, 'used_bytes', /usage.used_bytes must be a whole number/],
      [{ ...good, used_bytes: 1.5 }, 'used_bytes', /used_bytes must be integer/],
      [{ ...good, used_bytes: '5' }, 'used_bytes', /used_bytes must be integer/],
      [{ ...good, used_bytes: 2 ** 53 }, 'used_bytes', /usage.used_bytes must be a whole number/],
      [{ ...good, limit_bytes: -1 }, 'limit_bytes', /usage.limit_bytes must be/],
      [{ ...good, limit_bytes: '10' }, 'limit_bytes', /usage.limit_bytes must be/],
      [{ used_bytes: 5, synced_at: SYNCED_AT }, 'usage', /limit_bytes is required/],
      [{ ...good, synced_at: 'yesterday' }, 'synced_at', /usage.synced_at must be a UTC timestamp/],
      [{ ...good, synced_at: 1764655200000 }, 'synced_at', /synced_at must be string/],
      [{ ...good, synced_at: '2026-02-30T00:00:00.000000' }, 'synced_at', /is not a date and time that exists/],
    ];
    for (const [usage, field, detail] of badUsages) {
      const what = JSON.stringify(usage);
      const one = await agent.request('PUT', `/api/keys/${a.id}/bundle`, { links: [], usage });
      assert.equal(one.status, 400, what);
      assert.deepEqual([one.body.reason, one.body.field, one.body.index], ['bad_usage', field, undefined], what);
      assert.match(one.body.detail, detail, what);
      const bulk = await agent.request('PUT', '/api/bundles', { bundles: [{ key_id: b.id, links: [] }, { key_id: a.id, usage }] });
      assert.equal(bulk.status, 400, what);
      assert.deepEqual([bulk.body.reason, bulk.body.field, bulk.body.index], ['bad_usage', field, 1], what);
      assert.match(bulk.body.detail, detail, what);
    }
    const badBulks: Array<[string, unknown, Record<string, unknown>, RegExp]> = [
      ['no bundles', {}, {}, /bundles is required/],
      ['bundles not a list', { bundles: { key_id: a.id } }, {}, /bundles must be array/],
      ['no entries', { bundles: [] }, {}, /bundles must be a list of 1-1000/],
      [`${BUNDLES_BULK_MAX + 1} entries`, { bundles: Array.from({ length: BUNDLES_BULK_MAX + 1 }, () => ({ key_id: a.id, links: [] })) }, {}, /1-1000/],
      ['an unknown field beside bundles', { bundles: [{ key_id: a.id, links: [] }], all: true }, {}, /unknown field all/],
      ['an entry that is not an object', { bundles: [{ key_id: a.id, links: [] }, 'x'] }, { index: 1 }, /must be object/],
      ['an entry with an unknown field', { bundles: [{ key_id: a.id, links: [], name: 'x' }] }, { index: 0 }, /unknown field name/],
      ['an entry without key_id', { bundles: [{ key_id: a.id, links: [] }, { links: [] }] }, { index: 1 }, /key_id is required/],
      ['a key_id that is a number', { bundles: [{ key_id: 7, links: [] }] }, { index: 0 }, /key_id must be string/],
      ['a key_id no key has', { bundles: [{ key_id: a.id, links: [] }, { key_id: 'no-such-key', links: [] }] }, { reason: 'unknown_key', index: 1, key_id: 'no-such-key' }, /no key of this server has that id/],
      ['the same key twice', { bundles: [{ key_id: a.id, links: [] }, { key_id: b.id, links: [] }, { key_id: a.id, links: [] }] }, { reason: 'duplicate_key', index: 2, duplicate_of: 0 }, /same key as bundles\[0\]/],
      ['an entry with neither links nor usage', { bundles: [{ key_id: a.id, links: [] }, { key_id: b.id }] }, { reason: 'empty_bundle', index: 1 }, /neither links nor usage/],
      ['links not a list', { bundles: [{ key_id: a.id, links: other('x.example') }] }, { index: 0 }, /links must be array/],
      [`${BUNDLE_MAX_LINKS + 1} links`, { bundles: [{ key_id: a.id, links: Array.from({ length: BUNDLE_MAX_LINKS + 1 }, (_, i) => other(`h${i}.example`)) }] }, { index: 0 }, /at most 50/],
      ['a link that is a number', { bundles: [{ key_id: b.id, links: [] }, { key_id: a.id, links: [other('a.example'), 5] }] }, { reason: 'bad_link', index: 1, link_index: 1 }, /bundles\.1\.links\.1 must be string/],
      ['a link that is not vless://', { bundles: [{ key_id: b.id, links: [] }, { key_id: a.id, links: [other('a.example'), 'http://x.example'] }] }, { reason: 'bad_link', index: 1, link_index: 1 }, /^bundles\[1\]\.links\[1\] /],
      ['a link over 4096 characters', { bundles: [{ key_id: a.id, links: [`${other('a.example')}${'x'.repeat(4096)}`] }] }, { reason: 'bad_link', index: 0, link_index: 0 }, /must NOT have more than 4096 characters/],
    ];
    for (const [what, body, facts, detail] of badBulks) {
      const refused = await agent.request('PUT', '/api/bundles', body);
      assert.equal(refused.status, 400, what);
      assert.equal(refused.body.status, 'error', what);
      for (const [name, value] of Object.entries(facts)) assert.equal(refused.body[name], value, `${what}: ${name}`);
      if (!('reason' in facts)) assert.equal(refused.body.reason, undefined, what);
      assert.match(refused.body.detail, detail, what);
    }
    const oversized = await agent.request('PUT', '/api/bundles', { bundles: [{ key_id: a.id, links: [], pad: 'x'.repeat(9 * 1024 * 1024) }] });
    assert.equal(oversized.status, 413);
    assert.deepEqual(await state(), before, 'no refused write changed a bundle');
  });

  test('rotate: the old URL is 404 at once, the new one answers; an unknown key is 404', async () => {
    const key = (await agent.post('/api/keys', { name: 'dave' })).body;
    assert.equal((await subGet(subPort, subPath(key))).status, 200);
    const rotated = await agent.post(`/api/keys/${key.id}/subscription/rotate`);
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.subscription_url, key.subscription_url);
    assert.equal((await subGet(subPort, subPath(key))).status, 404);
    assert.equal((await subGet(subPort, subPath(rotated.body))).status, 200);
    assert.equal((await agent.get(`/api/keys/${key.id}`)).body.subscription_url, rotated.body.subscription_url);
    assert.equal((await agent.post('/api/keys/no-such-key/subscription/rotate')).status, 404);
  });

  test('a limited and an expired key answer 200 with the headers and no links, bundle or not; a disabled one lists its bundle alone', async () => {
    const limited = (await agent.post('/api/keys', { name: 'limited', data_limit_bytes: 0 })).body;
    const expired = (await agent.post('/api/keys', { name: 'expired', expires_at: '2020-01-01T00:00:00.000000' })).body;
    const disabled = (await agent.post('/api/keys', { name: 'disabled', data_limit_bytes: 5000 })).body;
    await agent.request('PATCH', `/api/keys/${disabled.id}`, { is_active: false });
    assert.deepEqual([limited.status, expired.status], ['limited', 'expired']);
    for (const [key, userInfo, links] of [
      [limited, 'upload=0; download=0; total=0; expire=0', []],
      [expired, `upload=0; download=0; total=0; expire=${Date.parse('2020-01-01T00:00:00Z') / 1000}`, []],
      // Its person moved to another server: the app that refreshes this URL finds them there.
      [disabled, 'upload=0; download=0; total=5000; expire=0', [other('a.example')]],
    ] as const) {
      await agent.request('PUT', `/api/keys/${key.id}/bundle`, { links: [other('a.example')] });
      const answer = await subGet(subPort, subPath(key));
      assert.equal(answer.status, 200, key.name);
      assert.deepEqual(lines(answer.body), links, key.name);
      assert.equal(answer.headers['subscription-userinfo'], userInfo, key.name);
      assert.equal(answer.headers['profile-title'], key.name);
      assert.equal(answer.headers['profile-update-interval'], '6');
      assert.match(String(answer.headers['content-disposition']), /^attachment; filename="keyport.txt"/);
    }
  });

  test('the listener serves nothing of the API: /api/keys with the API key is 404, as is every other path', async () => {
    for (const path of ['/api/keys', '/api/system/info', '/openapi.json', '/documentation/json', '/']) {
      const answer = await subGet(subPort, path, { 'x-api-key': agent.apiKey });
      assert.equal(answer.status, 404, path);
      assert.equal(answer.body, 'not found\n');
    }
    assert.equal((await subGet(subPort, '/api/keys/bulk', { 'x-api-key': agent.apiKey, 'content-type': 'application/json' }, 'POST')).status, 404);
    assert.equal((await agent.get('/api/keys')).status, 200, 'the API answers on its own listener');
  });
});

describe('the agent’s subscription flags', () => {
  const run = (...flags: string[]) => spawnSync(process.execPath, [join(REPO, 'remote-agent/src/main.ts'), ...flags], { encoding: 'utf8', timeout: 20_000 });

  test('a certificate without its key is refused before anything starts (exit 2), as is a file that is not PEM', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyport-sub-flags-'));
    try {
      const alone = run('--data-dir', dir, '--subscription-listen', '127.0.0.1:18443', '--subscription-tls-cert', join(dir, 'c.pem'));
      assert.equal(alone.status, 2);
      assert.match(alone.stderr, /give both --subscription-tls-cert FILE and --subscription-tls-key FILE/);
      writeFileSync(join(dir, 'c.pem'), 'not a certificate');
      writeFileSync(join(dir, 'k.pem'), 'not a key');
      const notPem = run('--data-dir', join(dir, 'data'), '--xray-bin', '/nonexistent', '--subscription-listen', '127.0.0.1:18443', '--subscription-tls-cert', join(dir, 'c.pem'), '--subscription-tls-key', join(dir, 'k.pem'));
      assert.equal(notPem.status, 2, notPem.stderr);
      assert.match(notPem.stderr, /not a PEM certificate and its key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
