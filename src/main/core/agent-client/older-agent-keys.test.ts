import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { AgentClient } from './agent-client.ts';

/** A key as an agent from before limits answers it: the spec's fields only. */
const olderKey = (isActive: boolean) => ({
  id: 'k1',
  name: 'alice',
  uuid: '9b2f4c7e-0000-4000-8000-000000000001',
  created_at: '2026-11-01T10:00:00.000000',
  is_active: isActive,
  port: 20001,
});

const noLimits = { data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null, note: '', used_bytes: 0, period_started_at: null };
const noSubscription = { subscription_url: null };

describe('keys from an agent older than limits', () => {
  let server: Server;
  let client: AgentClient;

  before(async () => {
    server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      const url = request.url ?? '';
      if (url === '/api/keys') response.end(JSON.stringify([olderKey(true), olderKey(false)]));
      else if (url === '/api/keys/k1') response.end(JSON.stringify(olderKey(false)));
      else if (url === '/api/keys/k2') response.end(JSON.stringify({ ...olderKey(true), ...noLimits, status: 'limited' }));
      else if (url === '/api/keys/k1/config') response.end(JSON.stringify({ key: olderKey(true), vless_url: 'vless://x', qr_code_data: 'vless://x' }));
      else response.writeHead(404).end('{"status":"error","detail":"not found"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new AgentClient({ openStream: async () => connect(port, '127.0.0.1'), apiKey: 'test-key' });
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));


  test('a list gets no limits and the status the switch gives', async () => {
    assert.deepEqual(await client.listKeys(), [
      { ...olderKey(true), ...noLimits, ...noSubscription, status: 'active' },
      { ...olderKey(false), ...noLimits, ...noSubscription, status: 'disabled' },
    ]);
  });

  test('one key and a config are made whole the same way', async () => {
    assert.equal((await client.getKey('k1')).status, 'disabled');
    const config = await client.getKeyConfig('k1');
    assert.deepEqual(config.key, { ...olderKey(true), ...noLimits, ...noSubscription, status: 'active' });
    assert.equal(config.vless_url, 'vless://x');
  });

  test('a key from an agent with limits but older than subscriptions has no subscription link, and keeps its status', async () => {
    assert.deepEqual(await client.getKey('k2'), { ...olderKey(true), ...noLimits, status: 'limited', ...noSubscription });
  });
});
