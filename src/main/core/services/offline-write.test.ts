import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test, type TestContext } from 'node:test';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import { deployedAlpha, openTempCache } from '../cache/testing/temp-cache.ts';
import { KeysService } from './keys-service.ts';
import { NO_VAULT } from './secret-vault.ts';
import { ServerSessions } from './server-sessions.ts';
import { SystemService } from './system-service.ts';

const SYNCED = '2025-08-05T12:00:00.000Z';

/** A loopback port nothing listens on: bound by us, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

type Writes = Record<string, () => Promise<unknown>>;

function writesOf(keys: KeysService, system: SystemService): Writes {
  return {
    'keys.create': () => keys.create('alpha', 'carol'),
    'keys.remove': () => keys.remove('alpha', 'k1'),
    'keys.setActive': () => keys.setActive('alpha', 'k1', false),
    'keys.rename': () => keys.rename('alpha', 'k1', 'anna2'),
    'keys.resetLiveTraffic': () => keys.resetLiveTraffic('alpha', 'k1'),
    'keys.resetHistory': () => keys.resetHistory('alpha', 'k1'),
    'system.syncConfig': () => system.syncConfig('alpha'),
    'system.updateSettings': () => system.updateSettings('alpha', { access_log: true }),
  };
}

async function assertAllOffline(writes: Writes): Promise<void> {
  for (const [name, write] of Object.entries(writes)) {
    await assert.rejects(write(), (error: unknown) => {
      assert.ok(error instanceof KeyportError, `${name}: ${String(error)}`);
      assert.equal(error.code, 'server-offline', name);
      assert.match(error.message, /^alpha is offline, and changes need it online; nothing was changed\./, name);
      return true;
    });
  }
}

function servicesOver(t: TestContext, sessions: (cache: ConsoleCache) => ServerSessions, port = 22) {
  const { cache } = openTempCache(t);
  const alpha = deployedAlpha(SYNCED);
  cache.saveServer({ ...alpha, target: { ...alpha.target, host: '127.0.0.1', port, auth: { method: 'password' } } });
  const live = sessions(cache);
  return { keys: new KeysService(cache, live), system: new SystemService(cache, live), sessions: live };
}

test('a server that cannot be reached at all: every write says offline, nothing was changed', async (t) => {
  const port = await closedPort();
  const { keys, system, sessions } = servicesOver(t, (cache) => new ServerSessions({ cache, vault: NO_VAULT }), port);
  await sessions.useSecret('s1', 'not-used');
  t.after(() => sessions.closeAll());
  await assertAllOffline(writesOf(keys, system));
});

test('a server that drops mid-call: every write says the same', async (t) => {
  const dropped = () => Promise.reject(new KeyportError('server-offline', 'the server closed the connection', { server: 'alpha' }));
  // Every agent call fails; `then` stays unset so the client is not taken for a promise.
  const client = new Proxy({}, { get: (_target, name) => (name === 'then' ? undefined : dropped) });
  const { keys, system } = servicesOver(t, () => ({ client: async () => client }) as unknown as ServerSessions);
  await assertAllOffline(writesOf(keys, system));
});
