import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import { installErrorHandler } from '../../src/http/error-handler.ts';
import { isDiskFull } from '../../src/lib/disk-full.ts';

const sqliteFull = () => Object.assign(new Error('database or disk is full'), { code: 'ERR_SQLITE_ERROR', errcode: 13, errstr: 'database or disk is full' });

describe('a full disk', () => {
  test('is recognised from SQLite (SQLITE_FULL, also extended) and from file writes (ENOSPC, EDQUOT), also as a cause', () => {
    assert.equal(isDiskFull(sqliteFull()), true);
    assert.equal(isDiskFull(Object.assign(new Error('x'), { errcode: 13 | (1 << 8) })), true);
    assert.equal(isDiskFull(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })), true);
    assert.equal(isDiskFull(Object.assign(new Error('quota'), { code: 'EDQUOT' })), true);
    assert.equal(isDiskFull(new Error('wrapped', { cause: sqliteFull() })), true);
    assert.equal(isDiskFull(Object.assign(new Error('locked'), { errcode: 5 })), false);
    assert.equal(isDiskFull(new Error('other')), false);
    assert.equal(isDiskFull('not an error'), false);
  });

  test('answers 507 naming the data dir whose disk is full, with the SQLite error kept as the cause', async () => {
    const logged: string[] = [];
    const app = Fastify();
    installErrorHandler(app, { info() {}, warn() {}, error: (message) => logged.push(message) }, '/var/lib/keyport');
    app.post('/api/keys', async () => {
      throw sqliteFull();
    });
    app.get('/boom', async () => {
      throw new Error('secret internals');
    });
    const full = await app.inject({ method: 'POST', url: '/api/keys' });
    assert.equal(full.statusCode, 507);
    const body = full.json();
    assert.equal(body.status, 'error');
    assert.equal(body.reason, 'disk_full');
    assert.match(body.detail, /the disk holding \/var\/lib\/keyport is full \(database or disk is full\)/);
    assert.match(logged[0]!, /database or disk is full/);
    const other = await app.inject({ method: 'GET', url: '/boom' });
    assert.equal(other.statusCode, 500);
    assert.doesNotMatch(other.body, /secret/);
  });
});
