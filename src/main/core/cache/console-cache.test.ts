import assert from 'node:assert/strict';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { describe, type TestContext } from 'node:test';
import type { ApiKey } from '../../../shared/contract/api-types.ts';
import type { ServerInfo } from '../../../shared/contract/servers.ts';
import type { DayUsage } from './cache-records.ts';
import Database from 'better-sqlite3';
import { CACHE_SCHEMA_VERSION, migrateCacheSchema } from './cache-schema.ts';
import { ConsoleCache } from './console-cache.ts';
import { openTempCache, type AnySnapshots } from './testing/temp-cache.ts';

// The storage is tested with any kind and any JSON (AnySnapshots), not Keyport's own kinds.
const SYNCED = '2025-08-05T12:00:00.000Z';
const LATER = '2025-08-06T12:00:00.000Z';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyport-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function server(id: string, name: string): ServerInfo {
  return {
    id,
    name,
    target: { host: `${name}.example`, port: 22, user: 'root', auth: { method: 'password' }, proxyJump: ['jump@bastion:2222'] },
    sshAlias: null,
    hostKeyFingerprint: `SHA256:${id}`,
    addedAt: `2025-08-0${id.length}T00:00:00.000Z`,
    agent: { version: '2.1.3', release: 'r1', deployedAt: SYNCED, apiPort: 8000 },
    lastSyncedAt: null,
  };
}

// The cache keeps no subscription_url yet, so the keys it answers have none.
function key(id: string, overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    id,
    name: `${id}@example.com`,
    uuid: `uuid-${id}`,
    created_at: `2025-08-05T12:00:00.00000${id.length}`,
    is_active: true,
    port: 10000 + id.length,
    status: overrides.is_active === false ? 'disabled' : 'active',
    data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null, note: '', used_bytes: 0, period_started_at: null, subscription_url: null,
    ...overrides,
  } as ApiKey;
}

function usage(rxBytes: number, txBytes: number, maxConnections = 1, sessions = 1): DayUsage {
  return { total_bytes: rxBytes + txBytes, rx_bytes: rxBytes, tx_bytes: txBytes, max_connections: maxConnections, sessions };
}

/** SQLite keeps `user_version` as a big-endian integer at byte 60 of the file's header. */
const USER_VERSION_OFFSET = 60;

test('data written before close is there after reopening the file', (t) => {
  const path = join(tempDir(t), 'cache.sqlite');
  const first = new ConsoleCache<AnySnapshots>(path);
  first.saveServer(server('s1', 'paris'), { sealedSecret: 'sealed-blob', trustedKeys: { 'paris.example:22': 'SHA256:p' } });
  first.replaceKeys('s1', [key('k1')], SYNCED);
  first.putKeyDays('s1', 'k1', { '2025-08-05': usage(10, 20) }, SYNCED);
  first.putSnapshot('s1', 'history', '', { total_keys: 1 }, SYNCED);
  first.markSynced('s1', LATER);
  first.close();

  const second = new ConsoleCache<AnySnapshots>(path);
  t.after(() => second.close());
  assert.deepEqual(second.listServers(), [{ ...server('s1', 'paris'), lastSyncedAt: LATER }]);
  assert.deepEqual(second.serverCredentials('s1'), { sealedSecret: 'sealed-blob', trustedKeys: { 'paris.example:22': 'SHA256:p' } });
  assert.deepEqual(second.listKeys('s1'), { keys: [key('k1')], syncedAt: SYNCED });
  assert.deepEqual(second.keyDays('s1', 'k1'), [{ date: '2025-08-05', usage: usage(10, 20), syncedAt: SYNCED }]);
  assert.deepEqual(second.getSnapshot('s1', 'history', ''), { data: { total_keys: 1 }, syncedAt: SYNCED });
});

test('a new file gets the current schema version, and a file from a newer Keyport is refused', (t) => {
  const path = join(tempDir(t), 'cache.sqlite');
  new ConsoleCache<AnySnapshots>(path).close();
  assert.ok(CACHE_SCHEMA_VERSION >= 1);
  assert.equal(readFileSync(path).readUInt32BE(USER_VERSION_OFFSET), CACHE_SCHEMA_VERSION);

  const newer = Buffer.alloc(4);
  newer.writeUInt32BE(CACHE_SCHEMA_VERSION + 1);
  const fd = openSync(path, 'r+');
  writeSync(fd, newer, 0, 4, USER_VERSION_OFFSET);
  closeSync(fd);
  assert.throws(
    () => new ConsoleCache<AnySnapshots>(path),
    new RegExp(`schema version ${CACHE_SCHEMA_VERSION + 1}, newer than the ${CACHE_SCHEMA_VERSION} this Keyport knows`),
  );
});

test('the file is readable by its owner only, in a new directory of mode 0700', (t) => {
  const dir = join(tempDir(t), 'home', 'cache');
  const path = join(dir, 'cache.sqlite');
  const cache = new ConsoleCache<AnySnapshots>(path);
  t.after(() => cache.close());
  cache.saveServer(server('s1', 'paris'));
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(`${path}-wal`).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
});

test('an existing file readable by others is narrowed to 0600 when opened', (t) => {
  const path = join(tempDir(t), 'cache.sqlite');
  writeFileSync(path, '');
  chmodSync(path, 0o644);
  const cache = new ConsoleCache<AnySnapshots>(path);
  t.after(() => cache.close());
  assert.equal(statSync(path).mode & 0o777, 0o600);
});

test('removing a server removes everything cached of it and nothing of the others', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  for (const [id, name] of [['s1', 'paris'], ['s2', 'tokyo']] as const) {
    cache.saveServer(server(id, name), { sealedSecret: `sealed-${id}`, trustedKeys: { [`${name}.example:22`]: 'SHA256:x' } });
    cache.replaceKeys(id, [key('k1')], SYNCED);
    cache.putKeyDays(id, 'k1', { '2025-08-05': usage(1, 2) }, SYNCED);
    cache.putKeyMonth(id, 'k1', '2025-07', usage(3, 4), SYNCED);
    cache.putSnapshot(id, 'keys', '', [key('k1')], SYNCED);
  }

  assert.equal(cache.removeServer('s1'), true);
  assert.equal(cache.removeServer('s1'), false);

  assert.equal(cache.findServer('s1'), null);
  assert.equal(cache.serverCredentials('s1'), null);
  assert.equal(cache.listKeys('s1'), null);
  assert.deepEqual(cache.keyDays('s1', 'k1'), []);
  assert.deepEqual(cache.monthTotals('s1', '2025-08'), []);
  assert.deepEqual(cache.keyMonths('s1', '2025-07'), []);
  assert.equal(cache.getSnapshot('s1', 'keys', ''), null);

  // The same id added again starts empty: nothing was left behind under it.
  cache.saveServer(server('s1', 'paris'));
  assert.deepEqual(cache.serverCredentials('s1'), { sealedSecret: null, trustedKeys: {} });
  assert.deepEqual(cache.keyDays('s1', 'k1'), []);

  assert.equal(cache.listKeys('s2')?.keys.length, 1);
  assert.equal(cache.keyDays('s2', 'k1').length, 1);
  assert.equal(cache.keyMonths('s2', '2025-07').length, 1);
  assert.notEqual(cache.getSnapshot('s2', 'keys', ''), null);
  assert.equal(cache.serverCredentials('s2')?.sealedSecret, 'sealed-s2');
});

test('replaceKeys drops keys gone from the server with their history, and keeps the history of the others', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  cache.saveServer(server('s1', 'paris'));
  assert.equal(cache.listKeys('s1'), null);
  cache.replaceKeys('s1', [key('k1'), key('k22'), key('k333')], SYNCED);
  for (const keyId of ['k1', 'k22', 'k333', 'never-listed']) {
    cache.putKeyDays('s1', keyId, { '2025-08-05': usage(1, 1) }, SYNCED);
    cache.putKeyMonth('s1', keyId, '2025-07', usage(5, 5), SYNCED);
  }

  cache.replaceKeys('s1', [key('k1', { is_active: false }), key('k333')], LATER);

  assert.deepEqual(cache.listKeys('s1'), { keys: [key('k1', { is_active: false }), key('k333')], syncedAt: LATER });
  assert.deepEqual(
    cache.dayTotals('s1', '2025-08-05').map((row) => row.keyId),
    ['k1', 'k333'],
  );
  assert.deepEqual(
    cache.keyMonths('s1', '2025-07').map((row) => row.keyId),
    ['k1', 'k333'],
  );
});

test('upsertKey adds or changes one key and deleteKey removes it with its history', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  cache.saveServer(server('s1', 'paris'));
  cache.replaceKeys('s1', [key('k1')], SYNCED);
  cache.upsertKey('s1', key('k22'));
  cache.upsertKey('s1', key('k1', { name: 'renamed' }));
  assert.deepEqual(cache.listKeys('s1'), { keys: [key('k1', { name: 'renamed' }), key('k22')], syncedAt: SYNCED });

  cache.putKeyDays('s1', 'k22', { '2025-08-05': usage(1, 1), '2025-08-06': usage(2, 2) }, SYNCED);
  cache.putKeyMonth('s1', 'k22', '2025-07', usage(5, 5), SYNCED);
  cache.putKeyDays('s1', 'k1', { '2025-08-05': usage(7, 7) }, SYNCED);

  assert.equal(cache.deleteKey('s1', 'k22'), true);
  assert.equal(cache.deleteKey('s1', 'k22'), false);
  assert.deepEqual(cache.listKeys('s1')?.keys, [key('k1', { name: 'renamed' })]);
  assert.deepEqual(cache.keyDays('s1', 'k22'), []);
  assert.deepEqual(cache.keyMonths('s1', '2025-07'), []);
  assert.equal(cache.keyDays('s1', 'k1').length, 1);
});

test('putKeyDays replaces the numbers of the days it brings and keeps the days it does not', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  cache.saveServer(server('s1', 'paris'));
  cache.putKeyDays('s1', 'k1', { '2025-08-01': usage(1, 1), '2025-08-02': usage(2, 2) }, SYNCED);
  // The agent has cleaned up 08-01 by now: its history only starts at 08-02.
  cache.putKeyDays('s1', 'k1', { '2025-08-02': usage(20, 20, 3, 4), '2025-08-03': usage(3, 3) }, LATER);

  assert.deepEqual(cache.keyDays('s1', 'k1'), [
    { date: '2025-08-01', usage: usage(1, 1), syncedAt: SYNCED },
    { date: '2025-08-02', usage: usage(20, 20, 3, 4), syncedAt: LATER },
    { date: '2025-08-03', usage: usage(3, 3), syncedAt: LATER },
  ]);
  assert.deepEqual(
    cache.keyDays('s1', 'k1', { from: '2025-08-02' }).map((day) => day.date),
    ['2025-08-02', '2025-08-03'],
  );
  assert.deepEqual(
    cache.keyDays('s1', 'k1', { from: '2025-08-01', to: '2025-08-02' }).map((day) => day.date),
    ['2025-08-01', '2025-08-02'],
  );
});

test('monthTotals adds up a month of days per key, with the highest max_connections', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  cache.saveServer(server('s1', 'paris'));
  cache.saveServer(server('s2', 'tokyo'));
  cache.putKeyDays(
    's1',
    'k1',
    {
      '2025-07-31': usage(1000, 1000, 99, 99),
      '2025-08-01': usage(10, 20, 5, 2),
      '2025-08-15': usage(1, 2, 9, 3),
      '2025-08-31': usage(100, 200, 1, 1),
      '2025-09-01': usage(1000, 1000, 99, 99),
    },
    SYNCED,
  );
  cache.putKeyDays('s1', 'k2', { '2025-08-15': usage(7, 0, 2, 1) }, LATER);
  cache.putKeyDays('s2', 'k1', { '2025-08-15': usage(5000, 5000, 50, 50) }, SYNCED);

  assert.deepEqual(cache.monthTotals('s1', '2025-08'), [
    { keyId: 'k1', days: 3, usage: { total_bytes: 333, rx_bytes: 111, tx_bytes: 222, max_connections: 9, sessions: 6 }, syncedAt: SYNCED },
    { keyId: 'k2', days: 1, usage: usage(7, 0, 2, 1), syncedAt: LATER },
  ]);
  assert.deepEqual(cache.monthTotals('s1', '2025-10'), []);
  assert.deepEqual(cache.dayTotals('s1', '2025-08-15'), [
    { keyId: 'k1', usage: usage(1, 2, 9, 3), syncedAt: SYNCED },
    { keyId: 'k2', usage: usage(7, 0, 2, 1), syncedAt: LATER },
  ]);
  assert.throws(() => cache.monthTotals('s1', '2025-8'), { code: 'bad-input' });
  assert.throws(() => cache.putKeyDays('s1', 'k1', { '5 Aug': usage(1, 1) }, SYNCED), { code: 'bad-input' });
});

test('the cache takes dates and months by the API\'s rules: no 2025-02-30, 2025-13-45 or 2025-13', (t) => {
  const { cache } = openTempCache(t);
  cache.saveServer(server('s1', 'paris'));
  for (const date of ['2025-02-30', '2025-13-45']) {
    assert.throws(() => cache.putKeyDays('s1', 'k1', { [date]: usage(1, 1) }, SYNCED), { code: 'bad-input' }, date);
    assert.throws(() => cache.dayTotals('s1', date), { code: 'bad-input' }, date);
  }
  assert.throws(() => cache.monthTotals('s1', '2025-13'), { code: 'bad-input' });
  assert.deepEqual(cache.keyDays('s1', 'k1'), [], 'nothing was stored');
});

test('putKeyMonth keeps the numbers of a month total, newest wins', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  cache.saveServer(server('s1', 'paris'));
  const reported = { ...usage(1, 2, 3, 4), total_formatted: '3 B', rx_formatted: '1 B', tx_formatted: '2 B' };
  cache.putKeyMonth('s1', 'k1', '2025-07', reported, SYNCED);
  cache.putKeyMonth('s1', 'k2', '2025-07', usage(9, 9), SYNCED);
  cache.putKeyMonth('s1', 'k2', '2025-07', usage(10, 10), LATER);
  cache.putKeyMonth('s1', 'k2', '2025-06', usage(1, 1), SYNCED);

  assert.deepEqual(cache.keyMonths('s1', '2025-07'), [
    { keyId: 'k1', usage: usage(1, 2, 3, 4), syncedAt: SYNCED },
    { keyId: 'k2', usage: usage(10, 10), syncedAt: LATER },
  ]);
});

test('2,000 keys of 31 days each go in one batch and add up per key', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  cache.saveServer(server('s1', 'paris'));
  const keyIds = Array.from({ length: 2000 }, (_, index) => `key-${String(index).padStart(4, '0')}`);
  cache.batch(() => {
    cache.replaceKeys('s1', keyIds.map((id) => key(id)), SYNCED);
    keyIds.forEach((keyId, index) => {
      const days: Record<string, DayUsage> = {};
      for (let day = 1; day <= 31; day += 1) days[`2025-08-${String(day).padStart(2, '0')}`] = usage(index, day, day, 1);
      cache.putKeyDays('s1', keyId, days, SYNCED);
    });
  });

  const totals = cache.monthTotals('s1', '2025-08');
  assert.equal(totals.length, 2000);
  // Key n moved n bytes in and d bytes out on day d: 31n in, 1 + ... + 31 = 496 out.
  for (const index of [0, 1, 999, 1999]) {
    assert.deepEqual(totals[index], {
      keyId: keyIds[index],
      days: 31,
      usage: { total_bytes: 31 * index + 496, rx_bytes: 31 * index, tx_bytes: 496, max_connections: 31, sessions: 31 },
      syncedAt: SYNCED,
    });
  }
  const dayTen = cache.dayTotals('s1', '2025-08-10');
  assert.equal(dayTen.length, 2000);
  assert.deepEqual(dayTen[1234], { keyId: 'key-1234', usage: usage(1234, 10, 10, 1), syncedAt: SYNCED });
});

test('a batch that fails half way leaves nothing of it behind', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  cache.saveServer(server('s1', 'paris'));
  assert.throws(() =>
    cache.batch(() => {
      cache.putKeyDays('s1', 'k1', { '2025-08-01': usage(1, 1) }, SYNCED);
      throw new Error('the agent went away');
    }),
  );
  assert.deepEqual(cache.keyDays('s1', 'k1'), []);
});

test('a server is found by its id or by its name, the id first', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  cache.saveServer(server('s1', 'paris'));
  cache.saveServer(server('s2', 's1'));
  assert.equal(cache.findServer('s1')?.name, 'paris');
  assert.equal(cache.findServer('paris')?.id, 's1');
  assert.equal(cache.findServer('PARIS')?.id, 's1');
  assert.equal(cache.findServer('s2')?.name, 's1');
  assert.equal(cache.findServer('berlin'), null);
  assert.deepEqual(cache.listServers().map((info) => info.id), ['s1', 's2']);
});

test('a name another server has is refused, and saving a server again updates it', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  cache.saveServer(server('s1', 'paris'));
  cache.saveServer(server('s2', 'tokyo'));
  assert.throws(() => cache.saveServer(server('s3', 'Paris')), { code: 'bad-input' });
  assert.throws(() => cache.saveServer(server('s2', 'paris')), { code: 'bad-input' });
  cache.saveServer({ ...server('s2', 'kyoto'), agent: null });
  assert.deepEqual(cache.findServer('s2'), { ...server('s2', 'kyoto'), agent: null });
  assert.equal(cache.listServers().length, 2);
});

test('writes for a server that is not cached fail with not-found', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  assert.throws(() => cache.replaceKeys('nope', [key('k1')], SYNCED), { code: 'not-found' });
  assert.throws(() => cache.upsertKey('nope', key('k1')), { code: 'not-found' });
  assert.throws(() => cache.putKeyDays('nope', 'k1', { '2025-08-01': usage(1, 1) }, SYNCED), { code: 'not-found' });
  assert.throws(() => cache.putKeyMonth('nope', 'k1', '2025-08', usage(1, 1), SYNCED), { code: 'not-found' });
  assert.throws(() => cache.putSnapshot('nope', 'keys', '', [], SYNCED), { code: 'not-found' });
  assert.throws(() => cache.markSynced('nope', SYNCED), { code: 'not-found' });
});

test('a snapshot comes back as it was stored, per kind and scope', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  cache.saveServer(server('s1', 'paris'));
  const report = { key_id: 'k1', daily_stats: { '2025-08-05': usage(1, 2) }, last_activity: null, nested: [1, 'two', true] };
  cache.putSnapshot('s1', 'key-history', 'k1', report, SYNCED);
  cache.putSnapshot('s1', 'key-history', 'k2', { key_id: 'k2' }, SYNCED);
  cache.putSnapshot('s1', 'monthly', '2025-08', { year_month: '2025-08' }, SYNCED);
  cache.putSnapshot('s1', 'monthly', '2025-08', { year_month: '2025-08', total_keys: 3 }, LATER);

  assert.deepEqual(cache.getSnapshot('s1', 'key-history', 'k1'), { data: report, syncedAt: SYNCED });
  assert.deepEqual(cache.getSnapshot('s1', 'key-history', 'k2'), { data: { key_id: 'k2' }, syncedAt: SYNCED });
  assert.deepEqual(cache.getSnapshot('s1', 'monthly', '2025-08'), { data: { year_month: '2025-08', total_keys: 3 }, syncedAt: LATER });
  assert.equal(cache.getSnapshot('s1', 'monthly', '2025-07'), null);
  assert.throws(() => cache.putSnapshot('s1', 'monthly', '2025-09', undefined, SYNCED), { code: 'bad-input' });
});

test('a sealed secret is stored exactly as given and only credentials give it back', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  const sealed = 'djEwAAAA+sealed/by-the-keychain==';
  const trustedKeys = { 'paris.example:22': 'SHA256:target', 'bastion:2222': 'SHA256:hop' };
  cache.saveServer(server('s1', 'paris'), { sealedSecret: sealed, trustedKeys });

  assert.deepEqual(cache.serverCredentials('s1'), { sealedSecret: sealed, trustedKeys });
  assert.ok(!JSON.stringify(cache.listServers()).includes(sealed));
  assert.ok(!JSON.stringify(cache.findServer('paris')).includes(sealed));

  // Saving without credentials keeps them; null clears the secret.
  cache.saveServer({ ...server('s1', 'paris'), lastSyncedAt: LATER });
  assert.deepEqual(cache.serverCredentials('s1'), { sealedSecret: sealed, trustedKeys });
  cache.saveServer(server('s1', 'paris'), { sealedSecret: null, trustedKeys: { 'paris.example:22': 'SHA256:new' } });
  assert.deepEqual(cache.serverCredentials('s1'), { sealedSecret: null, trustedKeys: { 'paris.example:22': 'SHA256:new' } });
});

test('caches opened and closed do not abort the process when the garbage collector runs', async (t) => {
  const dir = tempDir(t);
  for (let round = 0; round < 10; round += 1) {
    const cache = new ConsoleCache<AnySnapshots>(join(dir, `cache-${round}.sqlite`));
    cache.saveServer(server('s1', 'paris'));
    cache.putKeyDays('s1', 'k1', { '2025-08-01': usage(1, 1) }, SYNCED);
    assert.equal(cache.monthTotals('s1', '2025-08').length, 1);
    cache.close();
    // Garbage enough for V8 to collect on its own; an explicit gc() call does not show the abort.
    let garbage: object[] = [];
    for (let index = 0; index < 300_000; index += 1) {
      garbage.push({ index });
      if (garbage.length > 10_000) garbage = [];
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
});

test('deleteKeySnapshots drops a key’s snapshots of the named kinds, by its id or id/…, and nothing else', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  cache.saveServer(server('s1', 'alpha'));
  const put = (kind: string, scope: string) => cache.putSnapshot('s1', kind, scope, { kind, scope }, SYNCED);
  put('key-history-summary', 'k1');
  put('key-monthly', 'k1/2025-08');
  put('key-config', 'k1');
  put('key-monthly', 'k10/2025-08');
  put('key-history-summary', 'k10');
  cache.deleteKeySnapshots('s1', 'k1', ['key-history-summary', 'key-monthly']);
  assert.equal(cache.getSnapshot('s1', 'key-history-summary', 'k1'), null);
  assert.equal(cache.getSnapshot('s1', 'key-monthly', 'k1/2025-08'), null);
  assert.notEqual(cache.getSnapshot('s1', 'key-config', 'k1'), null, 'another kind stays');
  assert.notEqual(cache.getSnapshot('s1', 'key-monthly', 'k10/2025-08'), null, 'k10 is not k1');
  assert.notEqual(cache.getSnapshot('s1', 'key-history-summary', 'k10'), null);
});

test('opening a version 1 file drops its whole key-history snapshots (their days are in key_days) and keeps the rest', (t) => {
  const path = join(tempDir(t), 'cache.sqlite');
  shippedFile(path, 1, (db) => {
    insertServer(db, 's1', 'alpha');
    const snapshot = db.prepare('INSERT INTO snapshots (server_id, kind, scope, data_json, synced_at) VALUES (?, ?, ?, ?, ?)');
    snapshot.run('s1', 'key-history', 'k1', JSON.stringify({ daily_stats: {} }), SYNCED);
    snapshot.run('s1', 'history', '', JSON.stringify({ total_keys: 1 }), SYNCED);
  });

  const reopened = new ConsoleCache<AnySnapshots>(path);
  assert.equal(reopened.getSnapshot('s1', 'key-history', 'k1'), null);
  assert.deepEqual(reopened.getSnapshot('s1', 'history', ''), { data: { total_keys: 1 }, syncedAt: SYNCED });
  reopened.close();
  assert.equal(readFileSync(path).readUInt32BE(USER_VERSION_OFFSET), CACHE_SCHEMA_VERSION);
});

test('a version 2 file with history keeps every day and month, each with its sync time, once ids are numbers', (t) => {
  const path = join(tempDir(t), 'cache.sqlite');
  shippedFile(path, 2, (db) => {
    insertServer(db, 's1', 'paris');
    insertServer(db, 's2', 'tokyo');
    const historyKey = db.prepare('INSERT INTO history_keys (server_id, key_id) VALUES (?, ?)');
    const row = (table: string, period: string) =>
      db.prepare(`INSERT INTO ${table} (server_id, ${period}, key_id, total_bytes, rx_bytes, tx_bytes, max_connections, sessions, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const day = row('key_days', 'day');
    const month = row('key_months', 'year_month');
    for (const [serverId, keyId] of [['s1', 'k1'], ['s1', 'k2'], ['s2', 'k1']] as const) historyKey.run(serverId, keyId);
    day.run('s1', '2025-08-01', 'k1', 30, 10, 20, 5, 2, SYNCED);
    day.run('s1', '2025-08-02', 'k1', 3, 1, 2, 9, 3, LATER);
    day.run('s1', '2025-08-02', 'k2', 7, 7, 0, 2, 1, LATER);
    day.run('s2', '2025-08-02', 'k1', 10_000, 5_000, 5_000, 50, 50, SYNCED);
    month.run('s1', '2025-07', 'k1', 3, 1, 2, 3, 4, SYNCED);
    month.run('s1', '2025-07', 'k2', 20, 10, 10, 1, 1, LATER);
  });

  const cache = new ConsoleCache<AnySnapshots>(path);
  t.after(() => cache.close());
  assert.deepEqual(cache.keyDays('s1', 'k1'), [
    { date: '2025-08-01', usage: usage(10, 20, 5, 2), syncedAt: SYNCED },
    { date: '2025-08-02', usage: usage(1, 2, 9, 3), syncedAt: LATER },
  ]);
  assert.deepEqual(cache.dayTotals('s1', '2025-08-02'), [
    { keyId: 'k1', usage: usage(1, 2, 9, 3), syncedAt: LATER },
    { keyId: 'k2', usage: usage(7, 0, 2, 1), syncedAt: LATER },
  ]);
  assert.deepEqual(cache.monthTotals('s1', '2025-08'), [
    { keyId: 'k1', days: 2, usage: usage(11, 22, 9, 5), syncedAt: LATER },
    { keyId: 'k2', days: 1, usage: usage(7, 0, 2, 1), syncedAt: LATER },
  ]);
  assert.deepEqual(cache.keyMonths('s1', '2025-07'), [
    { keyId: 'k1', usage: usage(1, 2, 3, 4), syncedAt: SYNCED },
    { keyId: 'k2', usage: usage(10, 10, 1, 1), syncedAt: LATER },
  ]);
  assert.deepEqual(cache.dayTotals('s2', '2025-08-02'), [{ keyId: 'k1', usage: usage(5_000, 5_000, 50, 50), syncedAt: SYNCED }]);

  // The migrated rows behave as any: a key gone from the list takes its history, a server all of its own.
  cache.replaceKeys('s1', [key('k2')], LATER);
  assert.deepEqual(cache.keyDays('s1', 'k1'), []);
  assert.deepEqual(cache.keyMonths('s1', '2025-07').map((entry) => entry.keyId), ['k2']);
  cache.putKeyDays('s1', 'k2', { '2025-08-02': usage(8, 8) }, LATER);
  assert.deepEqual(cache.keyDays('s1', 'k2'), [{ date: '2025-08-02', usage: usage(8, 8), syncedAt: LATER }]);
  assert.equal(cache.removeServer('s2'), true);
  assert.deepEqual(cache.dayTotals('s2', '2025-08-02'), []);
});

test('a version 2 file whose history the migration shrank is compacted once, and keeps every row', (t) => {
  const path = join(tempDir(t), 'cache.sqlite');
  const keyIds = Array.from({ length: 300 }, (_, index) => `0b6c1e3a-5d2f-4c6e-9a1b-${String(index).padStart(12, '0')}`);
  shippedFile(path, 2, (db) => {
    insertServer(db, 'c5f0d3b2-7a41-4f0e-8a9c-2b7d6e1f4a30', 'paris');
    const day = db.prepare(
      'INSERT INTO key_days (server_id, day, key_id, total_bytes, rx_bytes, tx_bytes, max_connections, sessions, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    db.transaction(() => {
      for (const keyId of keyIds) {
        for (let index = 0; index < 100; index += 1) {
          const date = new Date(Date.UTC(2025, 0, 1) + index * 86_400_000).toISOString().slice(0, 10);
          day.run('c5f0d3b2-7a41-4f0e-8a9c-2b7d6e1f4a30', date, keyId, 3_000_000_000, 1_000_000_000, 2_000_000_000, 3, 12, SYNCED);
        }
      }
    })();
  });
  const before = statSync(path).size;
  const cache = new ConsoleCache<AnySnapshots>(path);
  assert.equal(cache.monthTotals('c5f0d3b2-7a41-4f0e-8a9c-2b7d6e1f4a30', '2025-02').length, 300);
  assert.equal(cache.keyDays('c5f0d3b2-7a41-4f0e-8a9c-2b7d6e1f4a30', keyIds[299]!).length, 100);
  cache.close();
  const after = statSync(path).size;
  assert.ok(after < before / 2, `${before} bytes before, ${after} after`);
});

test('many keys’ days from a bulk read land like putKeyDays of each, and a bad date stores none of them', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  cache.saveServer(server('s1', 'paris'));
  cache.putKeyDays('s1', 'k1', { '2025-08-01': usage(1, 1), '2025-08-02': usage(2, 2) }, SYNCED);
  cache.putDayRows(
    's1',
    [
      { keyId: 'k1', days: [['2025-08-02', 20, 30, 4, 5], ['2025-08-03', 1, 2, 3, 4]] },
      { keyId: 'k2', days: [['2025-08-03', 7, 0, 1, 1]] },
    ],
    LATER,
  );
  assert.deepEqual(cache.keyDays('s1', 'k1'), [
    { date: '2025-08-01', usage: usage(1, 1), syncedAt: SYNCED },
    { date: '2025-08-02', usage: usage(20, 30, 4, 5), syncedAt: LATER },
    { date: '2025-08-03', usage: usage(1, 2, 3, 4), syncedAt: LATER },
  ]);
  assert.deepEqual(cache.dayTotals('s1', '2025-08-03').map((entry) => entry.keyId), ['k1', 'k2']);
  assert.throws(() => cache.putDayRows('s1', [{ keyId: 'k3', days: [['2025-08-04', 1, 1, 1, 1], ['2025-02-30', 1, 1, 1, 1]] }], LATER), {
    code: 'bad-input',
  });
  assert.deepEqual(cache.keyDays('s1', 'k3'), []);
  assert.throws(() => cache.putDayRows('nope', [{ keyId: 'k1', days: [['2025-08-04', 1, 1, 1, 1]] }], LATER), { code: 'not-found' });
});

test('putDayRows files pages larger than one statement takes, across keys, as row-by-row upserts would', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  cache.saveServer(server('s1', 'paris'));
  const day = (index: number) => new Date(Date.UTC(2025, 0, 1 + index)).toISOString().slice(0, 10);
  // 3 keys of 100, 37 and 1 days: statements of many rows, a key across two of them, and a remainder.
  const keys = [100, 37, 1].map((count, keyIndex) => ({
    keyId: `k${keyIndex}`,
    days: Array.from({ length: count }, (_, index) => [day(index), index, keyIndex, 1, 2] as const),
  }));
  cache.putKeyDays('s1', 'k1', { [day(5)]: usage(9, 9), [day(200)]: usage(8, 8) }, SYNCED);
  cache.putDayRows('s1', keys, LATER);
  for (const { keyId, days } of keys) {
    const expected = days.map(([date, rx, tx, connections, sessions]) => ({ date, usage: usage(rx, tx, connections, sessions), syncedAt: LATER }));
    if (keyId === 'k1') expected.push({ date: day(200), usage: usage(8, 8), syncedAt: SYNCED });
    assert.deepEqual(cache.keyDays('s1', keyId), expected, keyId);
  }
});

test('putKeyMonths stores a month of many keys like putKeyMonth of each; a bad month or server stores none', (t) => {
  const { cache } = openTempCache<AnySnapshots>(t);
  cache.saveServer(server('s1', 'paris'));
  cache.putKeyMonth('s1', 'k1', '2025-07', usage(1, 1), SYNCED);
  cache.putKeyMonth('s1', 'k1', '2025-08', usage(2, 2), SYNCED);
  cache.putKeyMonths('s1', '2025-08', [{ keyId: 'k1', usage: usage(10, 20, 3, 4) }, { keyId: 'k2', usage: usage(5, 6) }], LATER);
  assert.deepEqual(cache.keyMonths('s1', '2025-08'), [
    { keyId: 'k1', usage: usage(10, 20, 3, 4), syncedAt: LATER },
    { keyId: 'k2', usage: usage(5, 6), syncedAt: LATER },
  ]);
  assert.deepEqual(cache.keyMonths('s1', '2025-07'), [{ keyId: 'k1', usage: usage(1, 1), syncedAt: SYNCED }]);
  assert.throws(() => cache.putKeyMonths('s1', '2025-13', [{ keyId: 'k3', usage: usage(1, 1) }], LATER), { code: 'bad-input' });
  assert.throws(() => cache.putKeyMonths('nope', '2025-08', [{ keyId: 'k3', usage: usage(1, 1) }], LATER), { code: 'not-found' });
  assert.deepEqual(cache.keyMonths('s1', '2025-08').map((entry) => entry.keyId), ['k1', 'k2']);
});

test('while checkpoints are held the WAL only grows; the last release copies it in and empties it', (t) => {
  const { cache, path } = openTempCache<AnySnapshots>(t);
  cache.saveServer(server('s1', 'paris'));
  const walBytes = () => statSync(`${path}-wal`).size;
  const day = (index: number) => new Date(Date.UTC(2020, 0, 1 + index)).toISOString().slice(0, 10);
  // About 8 MB of rows: twice what SQLite lets the WAL reach before it checkpoints by itself.
  const fill = (from: number) => {
    for (let key = from; key < from + 100; key += 1) {
      cache.putDayRows('s1', [{ keyId: `k${key}`, days: Array.from({ length: 1000 }, (_, index) => [day(index), index, key, 1, 1] as const) }], LATER);
    }
  };
  const outer = cache.holdCheckpoints();
  const inner = cache.holdCheckpoints();
  fill(0);
  inner();
  inner();
  fill(100);
  assert.ok(walBytes() > 8_000_000, `${walBytes()} bytes of WAL while held`);
  outer();
  assert.equal(walBytes(), 0);
  assert.equal(cache.keyDays('s1', 'k150').length, 1000);
  fill(200);
  assert.ok(walBytes() < 6_000_000, `${walBytes()} bytes of WAL once released: checkpoints as before`);
});

test('sync times no row uses any more are swept, and the ones in use stay', (t) => {
  const { cache, path } = openTempCache<AnySnapshots>(t);
  cache.saveServer(server('s1', 'paris'));
  cache.putKeyDays('s1', 'k1', { '2025-08-01': usage(1, 1) }, SYNCED);
  // The same month rewritten at 600 times: each time but the last is used by no row after.
  for (let index = 0; index < 600; index += 1) {
    cache.putKeyMonth('s1', 'k1', '2025-07', usage(index, 1), new Date(Date.UTC(2025, 7, 6, 0, 0, index)).toISOString());
  }
  assert.deepEqual(cache.keyDays('s1', 'k1'), [{ date: '2025-08-01', usage: usage(1, 1), syncedAt: SYNCED }]);
  assert.deepEqual(cache.keyMonths('s1', '2025-07'), [{ keyId: 'k1', usage: usage(599, 1), syncedAt: '2025-08-06T00:09:59.000Z' }]);
  const reader = new Database(path, { readonly: true });
  const kept = reader.prepare('SELECT COUNT(*) FROM sync_times').pluck().get() as number;
  reader.close();
  assert.ok(kept < 100, `${kept} of 601 sync times kept (swept after the 256th and 512th new one)`);
});

/** A cache file as Keyport `version` left it: that version's schema, filled by `fill` in SQL. */
function shippedFile(path: string, version: number, fill: (db: Database.Database) => void): void {
  const db = new Database(path);
  try {
    migrateCacheSchema(db, version);
    db.pragma('foreign_keys = ON');
    fill(db);
  } finally {
    db.close();
  }
}

function insertServer(db: Database.Database, id: string, name: string): void {
  const info = server(id, name);
  db.prepare('INSERT INTO servers (id, name, target_json, host_key_fingerprint, added_at) VALUES (?, ?, ?, ?, ?)').run(
    id,
    name,
    JSON.stringify(info.target),
    info.hostKeyFingerprint,
    info.addedAt,
  );
}

describe('keys’ limits in the cache', () => {
  const limited = key('k1', {
    data_limit_bytes: 2 * 1024 ** 3,
    data_limit_reset: 'month',
    expires_at: '2027-03-01T00:00:00.000000',
    note: 'Мама 📱, paid until March',
    status: 'limited',
    used_bytes: 2 * 1024 ** 3 + 5,
    period_started_at: '2026-12-01T00:00:00.000000',
    subscription_url: 'https://paris.example:8443/sub/3q2-7wF1bXyZ0aQvR9kLmA',
  });

  test('every limit field of a key and its subscription link come back after reopening the file, from a list and from a single change', (t) => {
    const path = join(tempDir(t), 'cache.sqlite');
    const first = new ConsoleCache<AnySnapshots>(path);
    first.saveServer(server('s1', 'paris'));
    first.replaceKeys('s1', [limited, key('k22')], SYNCED);
    const expiring = key('k333', { expires_at: '2026-12-05T10:30:00.000000', note: 'trial' });
    first.upsertKey('s1', expiring);
    first.close();

    const second = new ConsoleCache<AnySnapshots>(path);
    t.after(() => second.close());
    assert.deepEqual(second.listKeys('s1')?.keys, [limited, key('k22'), expiring]);
    second.upsertKey('s1', { ...limited, data_limit_bytes: null, status: 'active', period_started_at: null });
    assert.deepEqual(second.listKeys('s1')?.keys[0], { ...limited, data_limit_bytes: null, status: 'active', period_started_at: null });
  });

  test('a key from an agent older than limits is kept as a key without them, its status its switch', (t) => {
    const { cache } = openTempCache(t);
    cache.saveServer(server('s1', 'paris'));
    const { id, name, uuid, created_at, port } = key('k1');
    const old = { id, name, uuid, created_at, port, is_active: false } as ApiKey;
    cache.replaceKeys('s1', [old], SYNCED);
    assert.deepEqual(cache.listKeys('s1')?.keys, [key('k1', { is_active: false, status: 'disabled' })]);
  });

  test('a version 3 file’s keys are kept, without limits, disabled ones so', (t) => {
    const path = join(tempDir(t), 'cache.sqlite');
    shippedFile(path, 3, (db) => {
      insertServer(db, 's1', 'alpha');
      db.prepare("UPDATE servers SET keys_synced_at = ? WHERE id = 's1'").run(SYNCED);
      const insert = db.prepare('INSERT INTO keys (server_id, id, name, uuid, port, is_active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (const old of [key('k1'), key('k22', { is_active: false })]) {
        insert.run('s1', old.id, old.name, old.uuid, old.port, old.is_active ? 1 : 0, old.created_at);
      }
    });
    const reopened = new ConsoleCache<AnySnapshots>(path);
    t.after(() => reopened.close());
    assert.deepEqual(reopened.listKeys('s1'), { keys: [key('k1'), key('k22', { is_active: false })], syncedAt: SYNCED });
  });
});

test('keys made at once (one created_at) come back in their ports’ order, as the agent lists them, not their ids’', (t) => {
  const { cache } = openTempCache(t);
  cache.saveServer(server('s1', 'paris'));
  const at = '2025-08-05T12:00:00.000000';
  const batch = [key('ffff', { created_at: at, port: 10003 }), key('aaaa', { created_at: at, port: 10004 }), key('k1', { created_at: '2025-08-05T13:00:00.000000', port: 10001 })];
  cache.replaceKeys('s1', batch, SYNCED);
  assert.deepEqual(cache.listKeys('s1')?.keys.map((cached) => cached.id), ['ffff', 'aaaa', 'k1']);
});
