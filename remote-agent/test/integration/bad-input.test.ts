import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AgentProcess } from '../support/agent-process.ts';
import { removeAgentChains } from '../support/firewall.ts';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

describe('bad input gets a clear error and changes nothing', () => {
  let agent: AgentProcess;
  let key: { id: string };
  /** Everything a bad request could have touched, to compare before and after. */
  const state = async () => ({
    keys: (await agent.get('/api/keys')).body,
    history: (await agent.get('/api/traffic/history')).body.data.keys,
  });

  before(async () => {
    removeAgentChains();
    agent = await AgentProcess.start({ logLevel: 'debug' });
    key = (await agent.post('/api/keys', { name: 'existing' })).body;
  });
  after(async () => agent?.dispose());

  test('every route of the OpenAPI document answers 401 without the key or with a wrong one', async () => {
    const spec = (await agent.get('/api/openapi.json')).body;
    const operations = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path: path.replace('{key_id}', key.id).replace('{date}', '2025-08-05') })),
    );
    assert.ok(operations.length >= 25, `only ${operations.length} operations documented`);
    const before = await state();
    for (const { method, path } of [...operations, { method: 'GET', path: '/api/openapi.json' }, { method: 'GET', path: '/nope' }]) {
      for (const headers of [{ 'x-api-key': '' }, { 'x-api-key': 'wrong-key' }]) {
        const response = await fetch(`http://127.0.0.1:${agent.listenPort}${path}`, { method, headers });
        assert.equal(response.status, 401, `${method} ${path}`);
        assert.match(((await response.json()) as { detail: string }).detail, /X-API-Key/);
      }
    }
    assert.deepEqual(await state(), before);
  });

  const cases: Array<[string, string, string, unknown, number, RegExp, Record<string, string>?]> = [
    ['malformed JSON', 'POST', '/api/keys', '{"name":', 400, /not valid JSON/],
    ['a number as name', 'POST', '/api/keys', { name: 1 }, 400, /name must be string/],
    ['a missing name', 'POST', '/api/keys', {}, 400, /name is required/],
    ['an empty name', 'POST', '/api/keys', { name: '' }, 400, /name must be 1-100 characters/],
    ['a too long name', 'POST', '/api/keys', { name: 'a'.repeat(101) }, 400, /name must be 1-100 characters/],
    ['a name full of shell metacharacters', 'POST', '/api/keys', { name: 'x; rm -rf / `id` $(reboot)' }, 400, /letters, digits/],
    ['an unknown field', 'POST', '/api/keys', { name: 'ok', port: 1 }, 400, /unknown field port/],
    ['a JSON array body', 'POST', '/api/keys', [{ name: 'ok' }], 400, /body must be object/],
    ['an oversized body', 'POST', '/api/keys', { name: 'a'.repeat(100_000) }, 413, /too large/],
    ['a non-JSON content type', 'POST', '/api/keys', 'name=x', 415, /application\/json/, { 'content-type': 'application/x-www-form-urlencoded' }],
    ['a string for is_active', 'PATCH', `/api/keys/{id}`, { is_active: 'false' }, 400, /is_active must be boolean/],
    ['a number for is_active', 'PATCH', `/api/keys/{id}`, { is_active: 0 }, 400, /is_active must be boolean/],
    ['an unknown key id', 'GET', `/api/keys/${MISSING_ID}`, undefined, 404, /not found/],
    ['an unknown key id on delete', 'DELETE', `/api/keys/${MISSING_ID}`, undefined, 404, /not found/],
    ['an unknown key id on patch', 'PATCH', `/api/keys/${MISSING_ID}`, { is_active: false }, 404, /not found/],
    ['an unknown key id on history reset', 'POST', `/api/keys/${MISSING_ID}/traffic/history/reset`, undefined, 404, /not found/],
    ['an unknown key id on live reset', 'POST', `/api/keys/${MISSING_ID}/traffic/simple/reset`, undefined, 404, /not found/],
    ['a malformed key id', 'GET', '/api/keys/..%2F..%2Fetc/config', undefined, 400, /key_id must be a key id/],
    ['an impossible date', 'GET', '/api/traffic/daily/2025-02-30', undefined, 400, /not a calendar date/],
    ['a date in another form', 'GET', '/api/traffic/daily/05-08-2025', undefined, 400, /YYYY-MM-DD/],
    ['an impossible date, per key', 'GET', '/api/traffic/daily/2025-02-30/keys', undefined, 400, /not a calendar date/],
    ['a bad year_month', 'GET', '/api/traffic/monthly?year_month=2025-13', undefined, 400, /year_month must be a month/],
    ['a bad year_month for a key', 'GET', `/api/keys/{id}/traffic/monthly?year_month=2025-8`, undefined, 400, /year_month/],
    ['a negative days_to_keep', 'POST', '/api/traffic/history/cleanup?days_to_keep=-1', undefined, 400, /days_to_keep/],
    ['a huge days_to_keep', 'POST', '/api/traffic/history/cleanup?days_to_keep=1e30', undefined, 400, /days_to_keep/],
    ['a text days_to_keep', 'POST', '/api/traffic/history/cleanup?days_to_keep=all', undefined, 400, /days_to_keep/],
  ];

  test('neither the API key, a wrong key tried, nor the Reality private key reaches the log', async () => {
    const realityKeys = JSON.parse(readFileSync(join(agent.dataDir, 'reality-keys.json'), 'utf8'));
    await agent.request('GET', '/api/keys', undefined, { 'x-api-key': 'wrong-key-attempt' });
    await agent.request('POST', '/api/keys', { name: 'bad; name' });
    assert.match(agent.output, /listening on/, 'the agent logs at debug level in this suite');
    for (const secret of [agent.apiKey, 'wrong-key-attempt', realityKeys.privateKey]) {
      assert.ok(!agent.output.includes(secret), 'a secret is in the agent output');
    }
  });

  for (const [what, method, path, body, status, detail, headers] of cases) {
    test(`${what} gets ${status}`, async () => {
      const before = await state();
      const response = await agent.request(method, path.replace('{id}', key.id), body, headers);
      assert.equal(response.status, status);
      assert.equal(response.body.status, 'error');
      assert.match(response.body.detail, detail);
      assert.deepEqual(await state(), before);
    });
  }
});
