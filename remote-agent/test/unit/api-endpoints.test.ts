import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpoints, endpointUrl, getDailyTraffic, getKeyMonthlyTraffic, listKeys } from '../../src/api/index.ts';
import { buildApp } from '../../src/app.ts';
import type { AgentContext } from '../../src/agent-context.ts';
import type { Logger } from '../../src/lib/logger.ts';

const silent = { error() {}, warn() {}, info() {} } as unknown as Logger;

test('the agent serves every endpoint of its published API, and its OpenAPI document lists exactly those', async () => {
  // Routes only reach the context inside handlers, and none runs here.
  const app = await buildApp({ ctx: {} as AgentContext, apiKey: 'k'.repeat(43), log: silent });
  try {
    await app.ready();
    assert.equal(endpoints.length, 47);
    for (const definition of endpoints) {
      assert.ok(app.hasRoute({ method: definition.method, url: definition.path }), `${definition.method} ${definition.path}`);
    }
    const document = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    const defined = Object.values(endpoints)
      .filter((definition) => !definition.hidden)
      .map((definition) => `${definition.method} ${definition.path.replace(/:([a-z_]+)/g, '{$1}')}`);
    assert.deepEqual(documented.sort(), defined.sort());
  } finally {
    await app.close();
  }
});

test('a client builds the request target from the definition, params percent-encoded, left-out query values not sent', () => {
  assert.equal(endpointUrl(listKeys), '/api/keys');
  assert.equal(endpointUrl(getDailyTraffic, { date: '2025-08-05' }), '/api/traffic/daily/2025-08-05');
  assert.equal(endpointUrl(getKeyMonthlyTraffic, { key_id: 'a b/c?' }, { year_month: undefined }), '/api/keys/a%20b%2Fc%3F/traffic/monthly');
  assert.equal(endpointUrl(getKeyMonthlyTraffic, { key_id: 'k1' }, { year_month: '2025-08' }), '/api/keys/k1/traffic/monthly?year_month=2025-08');
  assert.throws(() => endpointUrl(getDailyTraffic), /needs the param date/);
});

test('the OpenAPI document lists the limits of keys: settable on create, bulk and update, read-only ones in every key', async () => {
  const app = await buildApp({ ctx: {} as AgentContext, apiKey: 'k'.repeat(43), log: silent });
  try {
    await app.ready();
    type Schema = { properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; enum?: unknown[]; const?: unknown };
    type Operation = { requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, { content?: Record<string, { schema: Schema }> }> };
    const document = app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> };
    const body = (path: string, method: string) => document.paths[path]![method]!.requestBody!.content['application/json']!.schema;
    const answer = (path: string, method: string, status: string) => document.paths[path]![method]!.responses[status]!.content!['application/json']!.schema;
    const settable = ['data_limit_bytes', 'data_limit_reset', 'expires_at', 'note'];
    for (const [path, method] of [['/api/keys', 'post'], ['/api/keys/{key_id}', 'patch'], ['/api/keys/bulk', 'post']] as const) {
      const properties = Object.keys(body(path, method).properties ?? {});
      for (const field of settable) assert.ok(properties.includes(field), `${method} ${path} takes ${field}`);
    }
    assert.ok(Object.keys(body('/api/keys/bulk', 'post').properties!).includes('keys'));
    const key = answer('/api/keys/{key_id}', 'get', '200');
    for (const field of [...settable, 'status', 'used_bytes', 'period_started_at']) assert.ok(key.properties?.[field], `a key has ${field}`);
    const statuses = key.properties!.status!.anyOf!.map((option) => option.const ?? option.enum?.[0]);
    assert.deepEqual(statuses, ['active', 'disabled', 'limited', 'expired']);
    assert.ok(answer('/api/keys/{key_id}', 'patch', '400').properties?.field, 'a refused limit names its field');
  } finally {
    await app.close();
  }
});
