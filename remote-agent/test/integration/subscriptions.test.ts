import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUNDLE_MAX_LINKS } from '../../src/api/subscriptions.ts';
import { AgentProcess } from '../support/agent-process.ts';
import { removeAgentChains } from '../support/firewall.ts';
import { freePort } from '../../../test-support/tcp-traffic.ts';

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
    assert.deepEqual((await agent.get(`/api/keys/${key.id}/bundle`)).body, { key_id: key.id, links: [other('a.example'), other('b.example')] });
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

  test('a limited, an expired and a disabled key answer 200 with the headers and no links', async () => {
    const limited = (await agent.post('/api/keys', { name: 'limited', data_limit_bytes: 0 })).body;
    const expired = (await agent.post('/api/keys', { name: 'expired', expires_at: '2020-01-01T00:00:00.000000' })).body;
    const disabled = (await agent.post('/api/keys', { name: 'disabled', data_limit_bytes: 5000 })).body;
    await agent.request('PATCH', `/api/keys/${disabled.id}`, { is_active: false });
    assert.deepEqual([limited.status, expired.status], ['limited', 'expired']);
    for (const [key, userInfo] of [
      [limited, 'upload=0; download=0; total=0; expire=0'],
      [expired, `upload=0; download=0; total=0; expire=${Date.parse('2020-01-01T00:00:00Z') / 1000}`],
      [disabled, 'upload=0; download=0; total=5000; expire=0'],
    ] as const) {
      await agent.request('PUT', `/api/keys/${key.id}/bundle`, { links: [other('a.example')] });
      const answer = await subGet(subPort, subPath(key));
      assert.equal(answer.status, 200, key.name);
      assert.equal(answer.body, '', key.name);
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
