import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import type { ApiKey } from '../../../shared/contract/api-types.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { deployedAlpha, openTempCache } from '../cache/testing/temp-cache.ts';
import { KeysService } from './keys-service.ts';
import type { ServerSessions } from './server-sessions.ts';

const SYNCED = '2025-08-05T12:00:00.000Z';
// The console's cache keeps no subscription_url yet, so the keys it answers have none.
const key = (id: string, name: string, port: number): ApiKey => ({
  id,
  name,
  uuid: `uuid-${id}`,
  created_at: '2025-08-01T10:00:00.000000',
  is_active: true,
  port,
  status: 'active',
  data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null, note: '', used_bytes: 0, period_started_at: null, subscription_url: null,
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

describe('keys with limits', () => {
  const badInput = (field: string, index?: number) => (error: unknown) =>
    error instanceof KeyportError && error.code === 'bad-input' && error.facts.field === field && error.facts.index === index;

  test('create sends the limits beside the name and caches the key with them', async (t) => {
    const bodies: unknown[] = [];
    const carol = { ...key('k3', 'carol', 10003), data_limit_bytes: 5_000, data_limit_reset: 'week' as const, note: 'trial' };
    const { cache, keys } = keysOfAlpha(t, { createKey: async (name: string, limits: object) => (bodies.push({ name, ...limits }), carol) });
    assert.deepEqual(await keys.create('alpha', 'carol', { data_limit_bytes: 5_000, data_limit_reset: 'week', note: 'trial' }), carol);
    assert.deepEqual(bodies, [{ name: 'carol', data_limit_bytes: 5_000, data_limit_reset: 'week', note: 'trial' }]);
    assert.deepEqual(cache.listKeys('s1')?.keys.at(-1), carol);
  });

  test('a bad limit is bad-input naming its field, and nothing is sent', async (t) => {
    const sent: string[] = [];
    const { keys } = keysOfAlpha(t, {
      createKey: async () => sent.push('createKey'),
      updateKey: async () => sent.push('updateKey'),
    });
    const cases: [Record<string, unknown>, string][] = [
      [{ data_limit_bytes: -1 }, 'data_limit_bytes'],
      [{ data_limit_bytes: 1.5 }, 'data_limit_bytes'],
      [{ data_limit_bytes: 2 ** 53 }, 'data_limit_bytes'],
      [{ data_limit_reset: 'fortnight' }, 'data_limit_reset'],
      [{ expires_at: '2027-02-30T00:00:00.000000' }, 'expires_at'],
      [{ expires_at: 'tomorrow' }, 'expires_at'],
      [{ note: 'x'.repeat(501) }, 'note'],
    ];
    for (const [limits, field] of cases) {
      await assert.rejects(keys.create('alpha', 'carol', limits), badInput(field), JSON.stringify(limits));
      await assert.rejects(keys.update('alpha', ANNA.id, limits), badInput(field), JSON.stringify(limits));
    }
    await assert.rejects(keys.update('alpha', ANNA.id, {}), (error: unknown) => error instanceof KeyportError && error.facts.problem === 'empty');
    assert.deepEqual(sent, []);
  });

  test('update changes name, switch and limits in one call, caches the key and drops its cached link, which had the old name', async (t) => {
    const changes: unknown[] = [];
    const updated = { ...ANNA, name: 'anna 2', data_limit_bytes: null, expires_at: '2027-03-01T00:00:00.000000' };
    const { cache, server, keys } = keysOfAlpha(t, { updateKey: async (_id: string, change: object) => (changes.push(change), updated) });
    const change = { name: 'anna 2', data_limit_bytes: null, expires_at: '2027-03-01T00:00:00.000000' };
    assert.deepEqual(await keys.update('alpha', ANNA.id, change), updated);
    assert.deepEqual(changes, [change]);
    assert.equal(cache.getSnapshot('s1', 'key-config', ANNA.id), null);
    server.online = false;
    const offline = await keys.list('alpha');
    assert.equal(offline.source, 'cache');
    assert.deepEqual(offline.data[0], updated);
  });

  test('a change of limits or the switch keeps the cached link and puts the key as it is now beside it', async (t) => {
    const expired = { ...ANNA, expires_at: '2001-01-01T00:00:00.000000', status: 'expired' as const };
    const disabled = { ...expired, is_active: false, status: 'disabled' as const };
    let answer: ApiKey = expired;
    const { server, keys } = keysOfAlpha(t, { updateKey: async () => answer });
    await keys.update('alpha', ANNA.id, { expires_at: '2001-01-01T00:00:00.000000' });
    server.online = false;
    assert.deepEqual((await keys.config('alpha', ANNA.id)).data, { key: expired, vless_url: 'vless://x#anna', qr_code_data: 'vless://x#anna' });
    server.online = true;
    answer = disabled;
    await keys.setActive('alpha', ANNA.id, false);
    server.online = false;
    assert.deepEqual((await keys.config('alpha', ANNA.id)).data.key, disabled);
  });

  test('update to a name another key has is name-taken; a limits-only change passes the refusal on as it is', async (t) => {
    const refusal = new KeyportError('name-taken', 'taken', { httpStatus: 409, name: 'BOB', holderKeyId: BOB.id });
    const { keys } = keysOfAlpha(t, {
      updateKey: async () => {
        throw refusal;
      },
    });
    await assert.rejects(keys.update('alpha', ANNA.id, { name: 'BOB', note: 'x' }), (error: unknown) =>
      error instanceof KeyportError && error.code === 'name-taken' && error.facts.holderName === 'bob');
  });

  test('createMany sends shared limits beside names, and rows with their own as keys, the shared ones under theirs', async (t) => {
    const bodies: unknown[] = [];
    const answer = (body: { names?: string[]; keys?: { name: string }[] }) =>
      (body.names ?? body.keys!.map((row) => row.name)).map((name, index) => key(`n${bodies.length}-${index}`, name, 11000 + index));
    const { keys } = keysOfAlpha(t, {
      listKeys: async () => [ANNA, BOB],
      createKeys: async (body: { names?: string[]; keys?: { name: string }[] }) => (bodies.push(body), answer(body)),
    });
    const shared = { data_limit_bytes: 1024, data_limit_reset: 'month' as const };
    await keys.createMany('alpha', ['carol', { name: 'dan' }], { limits: shared });
    await keys.createMany('alpha', ['erin', { name: 'ANNA' }, { name: 'fay', data_limit_bytes: null, note: 'VIP' }], { limits: shared, skipExisting: true });
    assert.deepEqual(bodies, [
      { names: ['carol', 'dan'], ...shared },
      {
        keys: [
          { name: 'erin', ...shared },
          { name: 'fay', data_limit_bytes: null, data_limit_reset: 'month', note: 'VIP' },
        ],
      },
    ]);
  });

  test('createMany refuses a row’s bad limit with its place in the list, before anything is sent', async (t) => {
    const sent: string[] = [];
    const { keys } = keysOfAlpha(t, {
      listKeys: async () => (sent.push('listKeys'), [ANNA, BOB]),
      createKeys: async () => sent.push('createKeys'),
    });
    await assert.rejects(
      keys.createMany('alpha', ['carol', { name: 'dan', expires_at: '2027-13-01T00:00:00' }]),
      (error: unknown) => badInput('expires_at', 1)(error) && (error as KeyportError).facts.name === 'dan',
    );
    await assert.rejects(keys.createMany('alpha', ['carol'], { limits: { data_limit_reset: 'hourly' as never } }), badInput('data_limit_reset'));
    assert.deepEqual(sent, []);
  });
});
