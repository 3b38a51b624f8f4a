import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { ApiKey } from '../../../shared/contract/api-types.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { deployedAlpha, openTempCache } from '../cache/testing/temp-cache.ts';
import { KeysService } from './keys-service.ts';
import type { ServerSessions } from './server-sessions.ts';

const SYNCED = '2025-08-05T12:00:00.000Z';
const key = (id: string, name: string, port: number): ApiKey => ({
  id,
  name,
  uuid: `uuid-${id}`,
  created_at: '2025-08-01T10:00:00.000000',
  is_active: true,
  port,
  status: 'active',
  data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null, note: '', used_bytes: 0, period_started_at: null,
});
const ANNA = key('k1', 'anna', 10001);
const BOB = key('k2', 'bob', 10002);

/** A KeysService over a real cache file holding anna and bob, whose server answers while `server.online`. */
function keysOfAlpha(t: TestContext, client: object) {
  const { cache } = openTempCache(t);
  cache.saveServer(deployedAlpha(SYNCED));
  cache.replaceKeys('s1', [ANNA, BOB], SYNCED);
  cache.putSnapshot('s1', 'key-config', ANNA.id, { key: ANNA, vless_url: 'vless://x#anna', qr_code_data: 'vless://x#anna' }, SYNCED);
  const server = { online: true };
  const sessions = {
    client: async () => {
      if (!server.online) throw new KeyportError('server-offline', 'alpha does not answer');
      return client;
    },
  } as unknown as ServerSessions;
  return { cache, server, keys: new KeysService(cache, sessions) };
}

test('rename stores the new name and drops the cached link, which carried the old one', async (t) => {
  const changes: unknown[] = [];
  const { cache, server, keys } = keysOfAlpha(t, {
    updateKey: async (_keyId: string, change: { name: string }) => (changes.push(change), { ...ANNA, name: change.name }),
  });
  assert.deepEqual(await keys.rename('alpha', ANNA.id, 'Анна 📱'), { ...ANNA, name: 'Анна 📱' });
  assert.deepEqual(changes, [{ name: 'Анна 📱' }]);
  assert.deepEqual(cache.listKeys('s1')?.keys.map((cached) => cached.name), ['Анна 📱', 'bob']);
  server.online = false;
  await assert.rejects(keys.config('alpha', ANNA.id), (error: unknown) => error instanceof KeyportError && error.code === 'server-offline');
  assert.deepEqual((await keys.list('alpha')).data.map((cached) => cached.name), ['Анна 📱', 'bob']);
});

test('a name another key has is name-taken, with the server and that key’s name as cached', async (t) => {
  const refusal = new KeyportError('name-taken', 'a key named "BOB" already exists on this server (id k2)', {
    httpStatus: 409,
    name: 'BOB',
    holderKeyId: BOB.id,
  });
  const { cache, keys } = keysOfAlpha(t, {
    updateKey: async () => {
      throw refusal;
    },
    createKey: async () => {
      throw refusal;
    },
  });
  for (const attempt of [() => keys.rename('alpha', ANNA.id, 'BOB'), () => keys.create('alpha', 'BOB')]) {
    await assert.rejects(attempt(), (error: unknown) => {
      assert.ok(error instanceof KeyportError);
      assert.equal(error.code, 'name-taken');
      assert.equal(error.message, 'alpha already has a key named "bob" (id k2)');
      assert.deepEqual(error.facts, { server: 'alpha', name: 'BOB', holderKeyId: BOB.id, holderName: 'bob' });
      return true;
    });
  }
  assert.deepEqual(cache.listKeys('s1')?.keys.map((cached) => cached.name), ['anna', 'bob']);
});

test('offline, a rename fails as server-offline and changes nothing', async (t) => {
  const { cache, server, keys } = keysOfAlpha(t, {});
  server.online = false;
  await assert.rejects(keys.rename('alpha', ANNA.id, 'x'), (error: unknown) => error instanceof KeyportError && error.code === 'server-offline');
  assert.deepEqual(cache.listKeys('s1')?.keys.map((cached) => cached.name), ['anna', 'bob']);
});

test('a server that cannot be reached at all fails every change as offline, nothing was changed', async (t) => {
  const { cache, server, keys } = keysOfAlpha(t, {});
  server.online = false;
  const changes = [
    () => keys.create('alpha', 'carol'),
    () => keys.remove('alpha', ANNA.id),
    () => keys.setActive('alpha', ANNA.id, false),
    () => keys.rename('alpha', ANNA.id, 'x'),
    () => keys.resetLiveTraffic('alpha', ANNA.id),
    () => keys.resetHistory('alpha', ANNA.id),
  ];
  for (const change of changes) {
    await assert.rejects(change(), (error: unknown) =>
      error instanceof KeyportError && error.code === 'server-offline' && /nothing was changed/.test(error.message));
  }
  assert.deepEqual(cache.listKeys('s1')?.keys, [ANNA, BOB]);
  assert.notEqual(cache.getSnapshot('s1', 'key-config', ANNA.id), null);
});
