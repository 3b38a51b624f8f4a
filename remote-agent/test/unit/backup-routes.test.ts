import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { buildApp } from '../../src/app.ts';
import type { AgentContext } from '../../src/agent-context.ts';
import type { Logger } from '../../src/lib/logger.ts';
import type { ServerBackups } from '../../src/services/server-backups.ts';

const silent = { error() {}, warn() {}, info() {} } as unknown as Logger;
const API_KEY = 'k'.repeat(43);

describe('backup routes: raw bytes in and out', async () => {
  const received: Buffer[] = [];
  const backups = {
    snapshot: async () => Readable.from([Buffer.from('SQLite format 3\0'), Buffer.from('rest')]),
    restore: async (body: AsyncIterable<Uint8Array>) => {
      for await (const chunk of body) received.push(Buffer.from(chunk));
      return { keysRestored: 1, dailyRowsRestored: 2, portsMoved: [], xray: { at_ms: 0, method: 'restart' as const, ok: true, detail: 'ok' } };
    },
  } as unknown as ServerBackups;
  const app = await buildApp({ ctx: { backups, now: () => 0 } as unknown as AgentContext, apiKey: API_KEY, log: silent });
  after(() => app.close());
  const headers = { 'x-api-key': API_KEY };

  test('a snapshot is answered as application/octet-stream, its bytes as they are', async () => {
    const answer = await app.inject({ method: 'GET', url: '/api/system/backup', headers });
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.headers['content-type'], 'application/octet-stream');
    assert.equal(answer.rawPayload.toString('latin1'), 'SQLite format 3\0rest');
  });

  test('a restore takes its body as raw bytes, and nothing else', async () => {
    const body = Buffer.alloc(100_000, 3);
    const restored = await app.inject({ method: 'POST', url: '/api/system/restore', headers: { ...headers, 'content-type': 'application/octet-stream' }, payload: body });
    assert.equal(restored.statusCode, 200, restored.body);
    assert.equal(restored.json().data.keys_restored, 1);
    assert.ok(Buffer.concat(received).equals(body));

    const json = await app.inject({ method: 'POST', url: '/api/system/restore', headers, payload: { snapshot: 'x' } });
    assert.equal(json.statusCode, 415);
    assert.equal(json.json().status, 'error');
  });

  test('other routes refuse raw bytes, and an unauthenticated restore is refused before its body is read', async () => {
    const keys = await app.inject({ method: 'POST', url: '/api/keys', headers: { ...headers, 'content-type': 'application/octet-stream' }, payload: Buffer.from('{"name":"x"}') });
    assert.equal(keys.statusCode, 415);
    received.length = 0;
    const anonymous = await app.inject({ method: 'POST', url: '/api/system/restore', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from('x') });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(received.length, 0);
  });

  test('a daily backup name that is not one is refused with 400', async () => {
    const answer = await app.inject({ method: 'GET', url: '/api/system/backups/..%2Fkeyport.db', headers });
    assert.equal(answer.statusCode, 400);
    assert.match(answer.json().detail, /daily backup/);
  });
});
