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
    await agent.post('/api/keys', { name: 'other' });
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
    ['a name with a control character', 'POST', '/api/keys', { name: 'bell\u0007' }, 400, /control or invisible character U\+0007/],
    ['a name with a bidi override', 'POST', '/api/keys', { name: 'gpj.\u202Eexe' }, 400, /bidirectional control U\+202E/],
    ['a name with a zero-width space', 'POST', '/api/keys', { name: 'a\u200Bb' }, 400, /invisible character U\+200B/],
    ['a name with a trailing space', 'POST', '/api/keys', { name: 'anna ' }, 400, /starts or ends with a space/],
    ['101 emoji as a name', 'POST', '/api/keys', { name: '📱'.repeat(101) }, 400, /this one has 101/],
    ['an existing key\'s name', 'POST', '/api/keys', { name: 'EXISTING' }, 409, /a key named "EXISTING" already exists/],
    ['a rename to a bad name', 'PATCH', `/api/keys/{id}`, { name: 'x\u0000' }, 400, /control or invisible character U\+0000/],
    ['a rename to an empty name', 'PATCH', `/api/keys/{id}`, { name: '' }, 400, /name must be 1-100 characters/],
    ['a number as the new name', 'PATCH', `/api/keys/{id}`, { name: 7 }, 400, /name must be string/],
    ['an empty patch', 'PATCH', `/api/keys/{id}`, {}, 400, /body must give name, is_active or a limit/],
    ['a rename with a bad is_active', 'PATCH', `/api/keys/{id}`, { name: 'fine', is_active: 'yes' }, 400, /is_active must be boolean/],
    ['a rename to a bad name with is_active', 'PATCH', `/api/keys/{id}`, { name: ' x', is_active: false }, 400, /starts or ends/],
    ['a rename to another key\'s name with is_active', 'PATCH', `/api/keys/{id}`, { name: 'Other', is_active: false }, 409, /already exists/],
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
    ['a path that is not a URL (a broken percent-escape)', 'GET', '/api/keys/%ZZ', undefined, 400, /not a valid URL/],
    ['an impossible date', 'GET', '/api/traffic/daily/2025-02-30', undefined, 400, /not a calendar date/],
    ['a date in another form', 'GET', '/api/traffic/daily/05-08-2025', undefined, 400, /YYYY-MM-DD/],
    ['an impossible date, per key', 'GET', '/api/traffic/daily/2025-02-30/keys', undefined, 400, /not a calendar date/],
    ['a month 13 and a day 45', 'GET', '/api/traffic/daily/2025-13-45', undefined, 400, /not a calendar date/],
    ['a month 13 and a day 45, per key', 'GET', '/api/traffic/daily/2025-13-45/keys', undefined, 400, /not a calendar date/],
    ['a bad year_month', 'GET', '/api/traffic/monthly?year_month=2025-13', undefined, 400, /year_month must be a month/],
    ['a bad year_month for a key', 'GET', `/api/keys/{id}/traffic/monthly?year_month=2025-8`, undefined, 400, /year_month/],
    ['a negative days_to_keep', 'POST', '/api/traffic/history/cleanup?days_to_keep=-1', undefined, 400, /days_to_keep/],
    ['a huge days_to_keep', 'POST', '/api/traffic/history/cleanup?days_to_keep=1e30', undefined, 400, /days_to_keep/],
    ['a text days_to_keep', 'POST', '/api/traffic/history/cleanup?days_to_keep=all', undefined, 400, /days_to_keep/],
  ];

  // Ids are opaque strings to clients: any id no key has is unknown, whatever it looks like.
  const unknownIds = [
    MISSING_ID,
    'abc',
    '..%2Fx',
    '..%2F..%2Fetc%2Fpasswd',
    'a'.repeat(300),
    'b'.repeat(5000),
    '%D0%9C%D0%B0%D0%BC%D0%B0%20%F0%9F%93%B1',
    '%00',
    "x'%20OR%20'1'='1",
  ];
  test('every /api/keys/{key_id} route answers 404 for an id no key has, whatever its shape, and changes nothing', async () => {
    const spec = (await agent.get('/api/openapi.json')).body;
    const keyRoutes = Object.entries(spec.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => path.includes('{key_id}'))
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })));
    assert.equal(keyRoutes.length, 12, JSON.stringify(keyRoutes));
    const before = await state();
    for (const { method, path } of keyRoutes) {
      for (const id of [...unknownIds, key.id.toUpperCase()]) {
        const body = method === 'PATCH' ? { is_active: false } : method === 'PUT' ? { links: [] } : undefined;
        const response = await agent.request(method, path.replace('{key_id}', id), body);
        const what = `${method} ${path} with ${id.slice(0, 40)}`;
        assert.equal(response.status, 404, what);
        assert.equal(response.body.status, 'error', what);
        assert.match(response.body.detail, /^Key .* not found$/, what);
        assert.ok(response.body.detail.length < 100, `${what}: the detail echoes the id at length`);
      }
    }
    assert.deepEqual(await state(), before);
  });

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
