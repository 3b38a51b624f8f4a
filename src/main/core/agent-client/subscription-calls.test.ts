import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { AgentClient } from './agent-client.ts';

const UUID = '9b2f4c7e-1a2b-4c3d-8e9f-0123456789ab';

/** The calls of the contract of 8ef65fc as they go over the wire, against an HTTP server that answers as it says. */
describe('AgentClient: people and subscriptions', () => {
  let server: Server;
  let client: AgentClient;
  const seen: { method: string; url: string; body: string }[] = [];

  before(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method ?? '', url: request.url ?? '', body });
        response.setHeader('content-type', 'application/json');
        if (request.method === 'POST' && request.url === '/api/keys') {
          response.writeHead(409).end(JSON.stringify({ status: 'error', detail: 'a key has this uuid', reason: 'uuid_taken', key_id: 'k9' }));
        } else if (request.method === 'PUT' && request.url === '/api/keys/k1/bundle') {
          response.end(JSON.stringify({ key_id: 'k1', links: (JSON.parse(body) as { links: string[] }).links }));
        } else if (request.method === 'PUT' && request.url === '/api/bundles') {
          const { bundles } = JSON.parse(body) as { bundles: { key_id: string }[] };
          const gone = bundles.findIndex((entry) => entry.key_id === 'gone');
          if (gone >= 0) {
            response.writeHead(400).end(JSON.stringify({ status: 'error', detail: `bundles[${gone}].key_id: no key of this server has that id`, reason: 'unknown_key', index: gone, key_id: 'gone' }));
          } else response.end(JSON.stringify({ updated: bundles.length }));
        } else if (request.method === 'POST' && request.url === '/api/keys/k1/subscription/rotate') {
          response.end(JSON.stringify({ key_id: 'k1', subscription_url: 'https://vpn.example:8443/sub/new' }));
        } else response.writeHead(404).end('{"status":"error","detail":"not found"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new AgentClient({ openStream: async () => connect(port, '127.0.0.1'), apiKey: 'test-key' });
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('a create with a uuid another key has is uuid-taken, with the uuid and that key’s id', async () => {
    await assert.rejects(client.createKey('anna', { uuid: UUID }), (error: unknown) =>
      error instanceof KeyportError && error.code === 'uuid-taken' && error.facts.uuid === UUID && error.facts.holderKeyId === 'k9',
    );
    assert.deepEqual(JSON.parse(seen.at(-1)!.body), { name: 'anna', uuid: UUID });
  });

  test('a bundle goes as PUT {links}; a rotate as POST', async () => {
    const links = ['vless://u@b.example:1?security=reality#anna'];
    assert.deepEqual(await client.putKeyBundle('k1', links), { key_id: 'k1', links });
    assert.deepEqual(seen.at(-1), { method: 'PUT', url: '/api/keys/k1/bundle', body: JSON.stringify({ links }) });
    assert.equal((await client.rotateKeySubscription('k1')).subscription_url, 'https://vpn.example:8443/sub/new');
    assert.equal(seen.at(-1)!.method, 'POST');
  });

  test('bundles in bulk go as PUT /api/bundles {bundles}; a key the server does not have is not-found with its index', async () => {
    const bundles = [{ key_id: 'k1', usage: { used_bytes: 5, limit_bytes: null, synced_at: '2026-12-02T06:00:00.000Z' } }, { key_id: 'k2', links: [] }];
    assert.deepEqual(await client.putBundles(bundles), { updated: 2 });
    assert.deepEqual(seen.at(-1), { method: 'PUT', url: '/api/bundles', body: JSON.stringify({ bundles }) });
    await assert.rejects(client.putBundles([...bundles, { key_id: 'gone', links: [] }]), (error: unknown) =>
      error instanceof KeyportError && error.code === 'not-found' && error.facts.index === 2 && error.facts.keyId === 'gone' && error.facts.httpStatus === 400,
    );
  });
});
