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
    assert.equal(endpoints.length, 33);
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
