import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createSubscriptionListener, type SubscriptionListenerOptions } from '../../src/http/subscriptions/subscription-listener.ts';
import { parseVlessLink } from '../../src/lib/vless-link.ts';
import { KeyStore, NO_LIMITS, type KeyLimits, type LimitStatus } from '../../src/services/store/key-store.ts';
import { SubscriptionStore } from '../../src/services/subscriptions/subscription-store.ts';
import { PROFILE_UPDATE_INTERVAL_HOURS, Subscriptions } from '../../src/services/subscriptions/subscriptions.ts';
import { tempDatabase } from './temp-db.ts';

const RANGE = { from: 10001, to: 19999 };
const OTHER_SERVER = 'vless://3f1c9a2e-8b7d-4e6f-9a1b-2c3d4e5f6a7b@other.example:443?encryption=none&security=reality&sni=www.example.com&fp=chrome&pbk=OTHERPBK&sid=cd34&type=tcp&flow=xtls-rprx-vision#alice%20(other)';

/** Real stores on a temp SQLite file, and the Subscriptions answering from them. */
function fixture() {
  const { db } = tempDatabase();
  const keys = new KeyStore(db);
  const store = new SubscriptionStore(db);
  const used = new Map<string, number>();
  const subscriptions = new Subscriptions({
    store,
    links: {
      linkHost: () => 'vpn.example.com',
      realityKeys: { privateKey: 'unused', publicKey: 'OWNPBK', shortIds: ['ab12'] },
      xray: { realityOptions: { dest: 'www.example.com:443', serverNames: ['www.example.com'], fingerprint: 'chrome' } },
    },
    key: (id) => keys.get(id),
    usedBytes: (id) => used.get(id) ?? 0,
    urlBase: () => 'https://vpn.example.com:8443',
  });
  const add = (name: string, limits: Partial<KeyLimits> = {}, limitStatus: LimitStatus = 'active') => {
    const key = keys.create({ id: randomUUID(), name, uuid: randomUUID(), createdAtMs: Date.now(), limits: { ...NO_LIMITS, ...limits }, limitStatus }, RANGE, () => false);
    store.issue([key.id]);
    return { key, token: store.tokenOf(key.id)! };
  };
  return { keys, store, used, subscriptions, add };
}

async function listen(options: SubscriptionListenerOptions): Promise<{ server: Server; base: string }> {
  const server = createSubscriptionListener(options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const silent = { error() {}, warn() {}, info() {} };
const PLENTY = { burst: 10_000, perMinute: 10_000 };
const decodedLines = (body: string) => (body === '' ? [] : Buffer.from(body, 'base64').toString('utf8').split('\n'));

describe('GET /sub/{token} on a real listener', () => {
  test('the body is base64 of the key’s own vless:// link, then its bundle’s, one per line', async () => {
    const f = fixture();
    const { key, token } = f.add('alice');
    f.subscriptions.setBundles([{ keyId: key.id, links: [OTHER_SERVER] }]);
    const { base } = await listen({ subscriptions: f.subscriptions, log: silent, rate: PLENTY });
    const response = await fetch(`${base}/sub/${token}`);
    assert.equal(response.status, 200);
    const lines = decodedLines(await response.text());
    assert.equal(lines.length, 2);
    const own = parseVlessLink(lines[0]!);
    assert.ok(own.ok);
    assert.deepEqual([own.link.uuid, own.link.host, own.link.port, own.link.params.get('pbk'), own.link.name], [key.uuid, 'vpn.example.com', key.port, 'OWNPBK', 'alice']);
    assert.equal(lines[1], OTHER_SERVER);
  });

  test('headers: subscription-userinfo from the quota and expiry, profile-title (base64 when not ASCII), update interval, content-disposition', async () => {
    const f = fixture();
    const expiresAtMs = Date.parse('2031-01-02T03:04:05Z');
    const { key, token } = f.add('Мама 📱', { dataLimitBytes: 5_000_000, dataLimitReset: 'month', expiresAtMs });
    f.used.set(key.id, 1234);
    const { base } = await listen({ subscriptions: f.subscriptions, log: silent, rate: PLENTY });
    const response = await fetch(`${base}/sub/${token}`);
    assert.equal(response.headers.get('subscription-userinfo'), `upload=0; download=1234; total=5000000; expire=${expiresAtMs / 1000}`);
    assert.equal(response.headers.get('profile-title'), `base64:${Buffer.from('Мама 📱').toString('base64')}`);
    assert.equal(response.headers.get('profile-update-interval'), String(PROFILE_UPDATE_INTERVAL_HOURS));
    assert.equal(response.headers.get('content-disposition'), `attachment; filename="keyport.txt"; filename*=UTF-8''%D0%9C%D0%B0%D0%BC%D0%B0%20%F0%9F%93%B1.txt`);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const plain = f.add('bob');
    const unlimited = await fetch(`${base}/sub/${plain.token}`);
    assert.equal(unlimited.headers.get('subscription-userinfo'), 'upload=0; download=0; total=0; expire=0');
    assert.equal(unlimited.headers.get('profile-title'), 'bob');
  });

  test('a limited and an expired key answer 200 with the headers and no links, bundle or not; so does a disabled key with an empty bundle', async () => {
    const f = fixture();
    const limited = f.add('limited', { dataLimitBytes: 100 }, 'limited');
    f.used.set(limited.key.id, 100);
    const expired = f.add('expired', { expiresAtMs: 1000 }, 'expired');
    // A person disabled everywhere: the console's bundles offer none of their keys.
    const disabled = f.add('disabled');
    f.keys.setActive(disabled.key.id, false);
    for (const { key } of [limited, expired]) f.subscriptions.setBundles([{ keyId: key.id, links: [OTHER_SERVER] }]);
    const { base } = await listen({ subscriptions: f.subscriptions, log: silent, rate: PLENTY });
    for (const [{ token }, userInfo] of [
      [limited, 'upload=0; download=100; total=100; expire=0'],
      [expired, 'upload=0; download=0; total=0; expire=1'],
      [disabled, 'upload=0; download=0; total=0; expire=0'],
    ] as const) {
      const response = await fetch(`${base}/sub/${token}`);
      assert.equal(response.status, 200);
      assert.equal(await response.text(), '');
      assert.equal(response.headers.get('subscription-userinfo'), userInfo);
      assert.ok(response.headers.get('profile-title'));
      const singBox = await fetch(`${base}/sub/${token}?format=sing-box`);
      assert.deepEqual(await singBox.json(), { outbounds: [] });
    }
  });

  test('a key the admin disabled lists its bundle without its own link: a person moved to their other servers', async () => {
    const f = fixture();
    const moved = f.add('moved', { dataLimitBytes: 5000 });
    f.keys.setActive(moved.key.id, false);
    f.subscriptions.setBundles([{ keyId: moved.key.id, links: [OTHER_SERVER] }]);
    const { base } = await listen({ subscriptions: f.subscriptions, log: silent, rate: PLENTY });
    const response = await fetch(`${base}/sub/${moved.token}`);
    assert.equal(response.status, 200);
    assert.deepEqual(decodedLines(await response.text()), [OTHER_SERVER]);
    assert.equal(response.headers.get('subscription-userinfo'), 'upload=0; download=0; total=5000; expire=0');
    const singBox = (await (await fetch(`${base}/sub/${moved.token}?format=sing-box`)).json()) as { outbounds: { server: string }[] };
    assert.deepEqual(singBox.outbounds.map((outbound) => outbound.server), ['other.example']);
  });

  test('rotate: the old URL answers 404 at once, the new one 200; an unknown token 404', async () => {
    const f = fixture();
    const { key, token } = f.add('alice');
    const { base } = await listen({ subscriptions: f.subscriptions, log: silent, rate: PLENTY });
    assert.equal((await fetch(`${base}/sub/${token}`)).status, 200);
    f.subscriptions.rotate(key.id);
    const fresh = f.store.tokenOf(key.id)!;
    assert.equal((await fetch(`${base}/sub/${token}`)).status, 404);
    assert.equal((await fetch(`${base}/sub/${fresh}`)).status, 200);
    assert.equal(f.subscriptions.urlOf(key.id), `https://vpn.example.com:8443/sub/${fresh}`);
    assert.equal((await fetch(`${base}/sub/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`)).status, 404);
  });

  test('serves nothing but GET /sub/{token}: the API’s paths with its key, other methods, other paths are 404', async () => {
    const f = fixture();
    const { token } = f.add('alice');
    const { base } = await listen({ subscriptions: f.subscriptions, log: silent, rate: PLENTY });
    const apiKey = { 'x-api-key': 'the-real-api-key' };
    const misses: Array<[string, RequestInit?]> = [
      ['/api/keys', { headers: apiKey }],
      ['/api/keys/bulk', { method: 'POST', headers: apiKey, body: '{}' }],
      ['/openapi.json'],
      ['/'],
      ['/sub/'],
      [`/sub/${token}/x`],
      [`/sub/${token}`, { method: 'POST' }],
      [`/sub/${token}`, { method: 'DELETE' }],
      [`/sub/../etc/passwd`],
      [`/sub/%2e%2e%2fetc%2fpasswd`],
      [`/sub/${'a'.repeat(129)}`],
      [`/SUB/${token}`],
    ];
    for (const [path, init] of misses) {
      const response = await fetch(`${base}${path}`, init);
      assert.equal(response.status, 404, path);
      assert.equal(await response.text(), 'not found\n', path);
    }
    const badFormat = await fetch(`${base}/sub/${token}?format=clash`);
    assert.equal(badFormat.status, 400);
  });

  test('each client IP is rate limited: 429 with Retry-After once its burst is spent, on hits and misses alike', async () => {
    const f = fixture();
    const { token } = f.add('alice');
    const { base } = await listen({ subscriptions: f.subscriptions, log: silent, rate: { burst: 3, perMinute: 3 } });
    assert.equal((await fetch(`${base}/sub/${token}`)).status, 200);
    assert.equal((await fetch(`${base}/sub/unknown`)).status, 404);
    assert.equal((await fetch(`${base}/api/keys`)).status, 404);
    const limited = await fetch(`${base}/sub/${token}`);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '20', 'one token every 20 s at 3 a minute');
  });

  test('?format=sing-box: one vless outbound per link, in sing-box’s own field names', async () => {
    const f = fixture();
    const { key, token } = f.add('alice');
    f.subscriptions.setBundles([{ keyId: key.id, links: [OTHER_SERVER, 'vless://3f1c9a2e-8b7d-4e6f-9a1b-2c3d4e5f6a7b@plain.example:80?type=tcp#alice'] }]);
    const { base } = await listen({ subscriptions: f.subscriptions, log: silent, rate: PLENTY });
    const response = await fetch(`${base}/sub/${token}?format=sing-box`);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    const config = (await response.json()) as { outbounds: Array<Record<string, any>> };
    assert.deepEqual(config.outbounds[0], {
      type: 'vless', tag: 'alice', server: 'vpn.example.com', server_port: key.port, uuid: key.uuid, flow: 'xtls-rprx-vision',
      tls: { enabled: true, server_name: 'www.example.com', utls: { enabled: true, fingerprint: 'chrome' }, reality: { enabled: true, public_key: 'OWNPBK', short_id: 'ab12' } },
    });
    assert.equal(config.outbounds[1]!.server, 'other.example');
    assert.equal(config.outbounds[1]!.tls.reality.public_key, 'OTHERPBK');
    assert.deepEqual(config.outbounds[2], { type: 'vless', tag: 'alice (3)', server: 'plain.example', server_port: 80, uuid: '3f1c9a2e-8b7d-4e6f-9a1b-2c3d4e5f6a7b' });
    // The JSON names of sing-box's option structs (github.com/SagerNet/sing-box 7df171ff, v1.14.0-alpha.2):
    // every field written must be one of them.
    const SING_BOX_FIELDS = {
      // option/outbound.go:20-21 (_Outbound), :149-150 (ServerOptions), option/vless.go:20-21 (VLESSOutboundOptions), option/tls.go:125 (OutboundTLSOptionsContainer)
      outbound: ['type', 'tag', 'server', 'server_port', 'uuid', 'flow', 'tls'],
      // option/tls.go:98,100,120,121 (OutboundTLSOptions)
      tls: ['enabled', 'server_name', 'utls', 'reality'],
      // option/tls.go:230-231 (OutboundUTLSOptions)
      utls: ['enabled', 'fingerprint'],
      // option/tls.go:235-237 (OutboundRealityOptions)
      reality: ['enabled', 'public_key', 'short_id'],
    };
    for (const outbound of config.outbounds) {
      for (const name of Object.keys(outbound)) assert.ok(SING_BOX_FIELDS.outbound.includes(name), name);
      if (!outbound.tls) continue;
      for (const name of Object.keys(outbound.tls)) assert.ok(SING_BOX_FIELDS.tls.includes(name), `tls.${name}`);
      for (const name of Object.keys(outbound.tls.utls ?? {})) assert.ok(SING_BOX_FIELDS.utls.includes(name), `utls.${name}`);
      for (const name of Object.keys(outbound.tls.reality ?? {})) assert.ok(SING_BOX_FIELDS.reality.includes(name), `reality.${name}`);
      assert.equal(typeof outbound.server_port, 'number', 'ServerPort is a uint16');
    }
  });

  test('a fault is a bare 500, logged, and the listener keeps serving', async () => {
    const f = fixture();
    const { token } = f.add('alice');
    const broken = new Subscriptions({
      store: f.store,
      links: { linkHost: () => 'h', realityKeys: { privateKey: '', publicKey: '', shortIds: [] }, xray: { realityOptions: { dest: '', serverNames: [], fingerprint: '' } } },
      key: () => {
        throw new Error('secret internals');
      },
      usedBytes: () => 0,
      urlBase: () => undefined,
    });
    const logged: string[] = [];
    const { base } = await listen({ subscriptions: broken, log: { ...silent, error: (message: string) => logged.push(message) }, rate: PLENTY });
    for (let round = 0; round < 2; round += 1) {
      const response = await fetch(`${base}/sub/${token}`);
      assert.equal(response.status, 500);
      assert.equal(await response.text(), 'internal error\n');
    }
    assert.match(logged[0]!, /secret internals/);
    assert.doesNotMatch(logged[0]!, new RegExp(token));
  });

  test('HTTPS with a certificate and key: the subscription over TLS, nothing over plain HTTP', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'keyport-sub-tls-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const [certFile, keyFile] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const cert = readFileSync(certFile);
    const f = fixture();
    const { key, token } = f.add('alice');
    const { base } = await listen({ subscriptions: f.subscriptions, log: silent, rate: PLENTY, tls: { cert, key: readFileSync(keyFile) } });
    const port = new URL(base).port;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpsRequest({ host: '127.0.0.1', port, path: `/sub/${token}`, ca: cert }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('error', reject);
      request.end();
    });
    assert.equal(answer.status, 200);
    assert.ok(decodedLines(answer.body)[0]!.startsWith(`vless://${key.uuid}@`));
    await assert.rejects(fetch(`${base}/sub/${token}`), 'plain HTTP to the TLS port gets no answer');
  });
});

describe('Subscriptions.answer', () => {
  test('a miss takes as long as a hit (median of many, among 2,000 keys)', () => {
    const f = fixture();
    const tokens = Array.from({ length: 2000 }, (_, index) => f.add(`key-${index}`).token);
    const medianMicros = (tokenAt: (index: number) => string) => {
      const times: number[] = [];
      for (let index = 0; index < 2000; index += 1) {
        const token = tokenAt(index);
        const start = process.hrtime.bigint();
        f.subscriptions.answer(token, 'base64');
        times.push(Number(process.hrtime.bigint() - start) / 1000);
      }
      return times.sort((a, b) => a - b)[times.length >> 1]!;
    };
    medianMicros((index) => tokens[index]!);
    const hit = medianMicros((index) => tokens[index]!);
    const miss = medianMicros((index) => `${tokens[index]!.slice(0, -2)}zz`);
    assert.ok(miss > hit * 0.6 && miss < hit * 1.6, `median hit ${hit.toFixed(1)} µs, miss ${miss.toFixed(1)} µs`);
  });
});
