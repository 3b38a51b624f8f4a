import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { HistoryOverview, HostFigures } from '../../../shared/contract/api-types.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { Cached, Keys, Traffic } from '../../../shared/contract/services.ts';
import { deployedAlpha, openTempCache } from '../cache/testing/temp-cache.ts';
import { BackgroundSync, syncServer, type SyncDeps } from './cache-sync.ts';
import type { ServerSessions } from './server-sessions.ts';
import { SystemService } from './system-service.ts';

const NOW = '2025-08-05T12:00:00.000Z';

type Usage = Record<string, number>;

/** A server whose keys' lifetime byte counts the test moves; every key-history fetch is recorded. */
function fakeServer(t: TestContext, usage: Usage) {
  const { cache } = openTempCache(t);
  cache.saveServer(deployedAlpha(NOW));
  const fetched: string[] = [];
  const state = { offline: false, failKey: '' };
  const live = <T>(data: T): Promise<Cached<T>> =>
    state.offline ? Promise.reject(new KeyportError('server-offline', 'down')) : Promise.resolve({ data, source: 'live', syncedAt: NOW });
  const overview = (): HistoryOverview =>
    ({
      keys: Object.entries(usage).map(([keyId, bytes]) => ({ key_id: keyId, last_activity: null, total_traffic: { total_bytes: bytes, total_connections: 0 } })),
    }) as unknown as HistoryOverview;
  const keys = { list: () => live(Object.keys(usage).map((id) => ({ id }))) } as unknown as Keys;
  const traffic = {
    live: () => live({}),
    history: () => live(overview()),
    monthly: () => live({}),
    daily: () => live({}),
    keyHistory: async (_server: string, keyId: string) => {
      if (keyId === state.failKey) throw new KeyportError('server-offline', 'dropped mid-sync');
      fetched.push(keyId);
      return live({});
    },
  } as unknown as Traffic;
  return { deps: { cache, keys, traffic }, fetched, state };
}

test('the first sync fetches every key’s days; later ones only the keys that moved bytes since', async (t) => {
  const usage: Usage = { k1: 0, k2: 100, k3: 5 };
  const { deps, fetched } = fakeServer(t, usage);
  await syncServer(deps, 'alpha');
  assert.deepEqual(fetched.sort(), ['k1', 'k2', 'k3']);

  fetched.length = 0;
  await syncServer(deps, 'alpha');
  assert.deepEqual(fetched, [], 'nothing moved, nothing fetched');

  usage.k2 = 250;
  usage.k4 = 0;
  fetched.length = 0;
  await syncServer(deps, 'alpha');
  assert.deepEqual(fetched.sort(), ['k2', 'k4'], 'a key with new bytes and a new key');
});

test('a pass cut short leaves the old state, so the next pass fetches those keys again', async (t) => {
  const usage: Usage = { k1: 1, k2: 2 };
  const { deps, fetched, state } = fakeServer(t, usage);
  await syncServer(deps, 'alpha');
  usage.k1 = 10;
  usage.k2 = 20;
  state.failKey = 'k2';
  await assert.rejects(syncServer(deps, 'alpha'), /dropped mid-sync/);
  state.failKey = '';
  fetched.length = 0;
  await syncServer(deps, 'alpha');
  assert.deepEqual(fetched.sort(), ['k1', 'k2']);
});

test('an offline server is reported as offline, not synced from its own cache', async (t) => {
  const { deps, state } = fakeServer(t, { k1: 1 });
  await syncServer(deps, 'alpha');
  state.offline = true;
  deps.keys.list = async () => ({ data: [], source: 'cache', syncedAt: NOW });
  await assert.rejects(syncServer(deps, 'alpha'), (error: unknown) => error instanceof KeyportError && error.code === 'server-offline');
});

test('a background pass whose cache read fails rejects nothing unawaited, and stops cleanly', async (t) => {
  const { deps } = fakeServer(t, { k1: 1 });
  let reads = 0;
  const cache = new Proxy(deps.cache, {
    get(target, property, receiver) {
      if (property !== 'listServers') return Reflect.get(target, property, receiver);
      return () => {
        reads += 1;
        throw new Error('SQLITE_BUSY: database is locked');
      };
    },
  });
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  t.after(() => process.off('unhandledRejection', onUnhandled));
  const sync = new BackgroundSync({ ...deps, cache }, 10);
  sync.start();
  await new Promise((resolve) => setTimeout(resolve, 60));
  await sync.stop();
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(reads >= 2, `the timer kept trying (${reads} passes)`);
  assert.deepEqual(unhandled, []);
  await assert.rejects(sync.runOnce(), /database is locked/, 'a caller who awaits a pass still sees its failure');
});

test('a background pass ends with afterPass once, after every server, even when a server failed', async (t) => {
  const { deps, fetched, state } = fakeServer(t, { k1: 1 });
  state.failKey = 'k1';
  const seen: string[] = [];
  const sync = new BackgroundSync({ ...deps, afterPass: async () => void seen.push(`after ${fetched.length} fetched`) });
  await sync.runOnce();
  state.failKey = '';
  await sync.runOnce();
  assert.deepEqual(seen, ['after 0 fetched', 'after 1 fetched']);
});

/** The bulk read beside fakeServer: records each call's since; answers `day`, or null as an agent without it does. */
function bulkDays(answer: { day: string | null; fail?: boolean }) {
  const calls: Array<string | undefined> = [];
  const days = {
    syncDays: async (_server: string, since: string | undefined) => {
      calls.push(since);
      if (answer.fail) throw new KeyportError('server-offline', 'dropped mid-read');
      return answer.day;
    },
  };
  return { days, calls };
}

test('with the bulk read, the first sync reads every day in it, later ones the days since, only when a key moved', async (t) => {
  const usage: Usage = { k1: 0, k2: 100 };
  const { deps, fetched } = fakeServer(t, usage);
  const answer = { day: '2025-08-05' };
  const { days, calls } = bulkDays(answer);
  await syncServer({ ...deps, days }, 'alpha');
  assert.deepEqual(calls, [undefined], 'all days, in one bulk read');
  assert.deepEqual(fetched, [], 'no key read alone');
  assert.deepEqual(deps.cache.getSnapshot('s1', 'key-history-summary', 'k2')?.data, {
    key_id: 'k2',
    last_activity: null,
    total_traffic: { total_bytes: 100, total_connections: 0 },
  });

  await syncServer({ ...deps, days }, 'alpha');
  assert.deepEqual(calls, [undefined], 'nothing moved, nothing read');

  usage.k2 = 250;
  answer.day = '2025-08-07';
  await syncServer({ ...deps, days }, 'alpha');
  assert.deepEqual(calls, [undefined, '2025-08-05'], 'from the day the last complete read began');
  assert.equal((deps.cache.getSnapshot('s1', 'key-history-summary', 'k2')?.data.total_traffic as { total_bytes: number }).total_bytes, 250);
  usage.k1 = 1;
  await syncServer({ ...deps, days }, 'alpha');
  assert.deepEqual(calls.at(-1), '2025-08-07');
  assert.deepEqual(fetched, []);
});

test('a bulk read cut short leaves the old state: the next pass reads from the same day again', async (t) => {
  const usage: Usage = { k1: 1 };
  const { deps } = fakeServer(t, usage);
  const answer = { day: '2025-08-05', fail: false };
  const { days, calls } = bulkDays(answer);
  await syncServer({ ...deps, days }, 'alpha');
  usage.k1 = 2;
  answer.fail = true;
  await assert.rejects(syncServer({ ...deps, days }, 'alpha'), /dropped mid-read/);
  answer.fail = false;
  await syncServer({ ...deps, days }, 'alpha');
  assert.deepEqual(calls, [undefined, '2025-08-05', '2025-08-05']);
});

test('an agent without the bulk read gets each moved key’s history read alone, as before', async (t) => {
  const usage: Usage = { k1: 0, k2: 100 };
  const { deps, fetched } = fakeServer(t, usage);
  const { days, calls } = bulkDays({ day: null });
  await syncServer({ ...deps, days }, 'alpha');
  assert.deepEqual(fetched.sort(), ['k1', 'k2']);
  usage.k2 = 101;
  fetched.length = 0;
  await syncServer({ ...deps, days }, 'alpha');
  assert.deepEqual(fetched, ['k2']);
  assert.deepEqual(calls, [undefined, undefined], 'asked again each pass: the agent may have been upgraded since');
});

test('the first bulk read starts beside the other reads, and a pass failing meanwhile waits for it to end', async (t) => {
  const usage: Usage = { k1: 1 };
  const { deps } = fakeServer(t, usage);
  const events: string[] = [];
  let endRead = () => undefined as void;
  const days = {
    syncDays: (_server: string, since: string | undefined) => {
      events.push(`days from ${since ?? 'the start'}`);
      return new Promise<string>((resolve) => (endRead = () => (events.push('days done'), resolve('2025-08-05'))));
    },
  };
  const history = deps.traffic.history;
  deps.traffic.history = (server: string) => {
    events.push('history');
    return history(server);
  };
  const first = syncServer({ ...deps, days }, 'alpha');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(events, ['days from the start', 'history'], 'both asked before either answered');
  endRead();
  await first;

  // Another server's first read, with the history read failing while it runs.
  const other = fakeServer(t, usage);
  events.length = 0;
  other.deps.traffic.history = () => {
    events.push('history');
    return Promise.reject(new KeyportError('server-offline', 'dropped'));
  };
  let settled = false;
  const second = syncServer({ ...other.deps, days }, 'alpha').finally(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(settled, false, 'the pass waits for the bulk read it started');
  endRead();
  await assert.rejects(second, { code: 'server-offline' });
  assert.deepEqual(events, ['days from the start', 'history', 'days done']);
});

const HOST: HostFigures = {
  uptime_seconds: 93_784,
  load_average: { one_minute: 0.42, five_minutes: 0.3, fifteen_minutes: 0.25 },
  cpu_count: 2,
  memory: { total_bytes: 4 * 1024 ** 3, available_bytes: 3 * 1024 ** 3 },
  disk: { path: '/var/lib/keyport', total_bytes: 40 * 1024 ** 3, free_bytes: 30 * 1024 ** 3, available_bytes: 28 * 1024 ** 3 },
  xray_version: '26.7.28',
};

/** A SystemService over the fake server's cache, whose agent answers the host figures (or 404s as one older than them). */
function hostReads(cache: SyncDeps['cache'], state: { offline: boolean }, answer: { figures: HostFigures | 'not-found' }) {
  const client = {
    getHostStatus: async () => {
      if (answer.figures === 'not-found') throw new KeyportError('not-found', 'GET /api/system/host: Route GET:/api/system/host not found');
      return { status: 'success', timestamp: '2025-08-05T12:00:00.000000', data: answer.figures };
    },
  };
  const sessions = {
    client: async () => {
      if (state.offline) throw new KeyportError('server-offline', 'alpha does not answer');
      return client;
    },
  } as unknown as ServerSessions;
  return new SystemService(cache, sessions);
}

test('a sync keeps the host figures, which an offline server still answers from the cache, as of that sync', async (t) => {
  const { deps, state } = fakeServer(t, { k1: 1 });
  const answer: { figures: HostFigures | 'not-found' } = { figures: HOST };
  const system = hostReads(deps.cache, state, answer);
  await syncServer({ ...deps, system }, 'alpha');
  const stored = deps.cache.getSnapshot('s1', 'host', '');
  assert.deepEqual(stored?.data, HOST);

  answer.figures = { ...HOST, uptime_seconds: 100_000, load_average: { one_minute: 1.5, five_minutes: 1, fifteen_minutes: 0.5 } };
  await syncServer({ ...deps, system }, 'alpha');
  const latest = deps.cache.getSnapshot('s1', 'host', '')!;
  assert.equal(latest.data.uptime_seconds, 100_000, 'the latest figures replace the earlier ones');

  state.offline = true;
  const offline = await system.host('alpha');
  assert.equal(offline.source, 'cache');
  assert.equal(offline.syncedAt, latest.syncedAt);
  assert.deepEqual(offline.data.load_average, { one_minute: 1.5, five_minutes: 1, fifteen_minutes: 0.5 });
});

test('an agent older than the host figures is synced without them, and its server has none to show', async (t) => {
  const { deps, state } = fakeServer(t, { k1: 1 });
  const system = hostReads(deps.cache, state, { figures: 'not-found' });
  await syncServer({ ...deps, system }, 'alpha');
  assert.ok(deps.cache.getSnapshot('s1', 'synced-usage', ''), 'the rest of the sync went through');
  assert.equal(deps.cache.getSnapshot('s1', 'host', ''), null);
  await assert.rejects(system.host('alpha'), { code: 'not-found' });
});
