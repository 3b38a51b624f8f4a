import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { isCalendarDate, isYearMonth } from '../../../shared/agent-api.ts';
import type { ApiKey } from '../../../shared/contract/api-types.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { ServerInfo } from '../../../shared/contract/servers.ts';
import type {
  CachedDay,
  CachedKeys,
  CachedSnapshot,
  DayRange,
  DayUsage,
  KeyMonthTotal,
  KeyUsage,
  ServerCredentials,
} from './cache-records.ts';
import { compactAfterMigration, migrateCacheSchema } from './cache-schema.ts';
import type { SnapshotKinds } from './snapshot-kinds.ts';
import { withLimitDefaults } from '../agent-client/key-defaults.ts';

interface ServerRow {
  id: string;
  name: string;
  target_json: string;
  ssh_alias: string | null;
  host_key_fingerprint: string;
  added_at: string;
  agent_json: string | null;
  last_synced_at: string | null;
}

/** A cached key: the agent's key as it answered, SQLite's 0/1 for the flag. */
type KeyRow = Omit<ApiKey, 'is_active'> & { is_active: number };

/** A usage row as read: the counts, the sync time's text joined in. total_bytes is rx + tx, not stored. */
type UsageRow = Omit<DayUsage, 'total_bytes'> & { synced_at: string };

/** A key's limits and their state, and its subscription link, each a column of its own named as the API names it. */
const KEY_LIMIT_COLUMNS = ['data_limit_bytes', 'data_limit_reset', 'expires_at', 'note', 'status', 'used_bytes', 'period_started_at', 'subscription_url'] as const;

const SERVER_COLUMNS = 'id, name, target_json, ssh_alias, host_key_fingerprint, added_at, agent_json, last_synced_at';
/** A usage table's counts and sync time, for a row `u` joined with its sync_times row `t`. */
const USAGE_COLUMNS = 'u.rx_bytes, u.tx_bytes, u.max_connections, u.sessions, t.synced_at';

/** Writes one key's usage of one period (a `day` of key_days, a `year_month` of key_months), named parameters. */
/** Named parameters for one row; with `rows`, that many rows of positional ones in the columns' order. */
const upsertUsageSql = (table: string, period: string, rows?: number): string => `
  INSERT INTO ${table} (key_no, ${period}, rx_bytes, tx_bytes, max_connections, sessions, sync_no)
  VALUES ${rows === undefined ? `(@key_no, @${period}, @rx_bytes, @tx_bytes, @max_connections, @sessions, @sync_no)` : Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}
  ON CONFLICT (key_no, ${period}) DO UPDATE SET
    rx_bytes = excluded.rx_bytes, tx_bytes = excluded.tx_bytes,
    max_connections = excluded.max_connections, sessions = excluded.sessions, sync_no = excluded.sync_no`;

/** One key's days in the compact form of the agent's bulk read: [day, rx, tx, max_connections, sessions]. */
export type DayRow = readonly [day: string, rxBytes: number, txBytes: number, maxConnections: number, sessions: number];

/**
 * Day rows per statement of the bulk write: a better-sqlite3 call costs about 1.2 us before its
 * first parameter here, as much as the insert itself, so a year of 10,000 keys (912,500 rows) went
 * from 4.4 s in single-row statements to ~2 s at 64 (448 parameters, far below SQLite's 32,766).
 */
const DAY_ROWS_PER_STATEMENT = 64;

/** SQLite's default: the WAL is copied into the file once it holds this many pages. */
const WAL_AUTOCHECKPOINT_PAGES = 1000;

/** New sync times between sweeps of the ones no row uses any more (a sweep reads every row once). */
const SYNC_TIMES_PER_SWEEP = 256;

/**
 * The console's local copy of every server's data (better-sqlite3, one file), so an offline server
 * can still be browsed. Synchronous like better-sqlite3 itself; every batch is one transaction.
 * Writes for a server that is not cached throw KeyportError `not-found`; history is taken for any
 * key id, listed or not. `Kinds` names each snapshot kind's data: Keyport's own unless a test of the
 * storage alone keeps any JSON.
 */
export class ConsoleCache<Kinds extends object = SnapshotKinds> {
  readonly #db: Database.Database;
  readonly #upsertServer: Database.Statement;
  readonly #setSealedSecret: Database.Statement<[string | null, string]>;
  readonly #deleteTrustedKeys: Database.Statement<[string]>;
  readonly #insertTrustedKey: Database.Statement<[string, string, string]>;
  readonly #selectServers: Database.Statement<[], ServerRow>;
  readonly #selectServer: Database.Statement<[{ wanted: string }], ServerRow>;
  readonly #selectCredentials: Database.Statement<[string], { sealed_secret: string | null }>;
  readonly #selectTrustedKeys: Database.Statement<[string], { host_port: string; fingerprint: string }>;
  readonly #deleteServer: Database.Statement<[string]>;
  readonly #setLastSynced: Database.Statement<[string, string]>;
  readonly #setKeysSynced: Database.Statement<[string, string]>;
  readonly #selectKeysSynced: Database.Statement<[string], { keys_synced_at: string | null }>;
  readonly #selectKeys: Database.Statement<[string], KeyRow>;
  readonly #selectKeyIds: Database.Statement<[string], { id: string }>;
  readonly #upsertKey: Database.Statement;
  readonly #deleteKey: Database.Statement<[string, string]>;
  readonly #addHistoryKey: Database.Statement<[string, string]>;
  readonly #selectKeyNo: Database.Statement<[string, string], number>;
  readonly #selectHistoryKeyIds: Database.Statement<[string], { key_id: string }>;
  readonly #deleteHistoryKey: Database.Statement<[string, string]>;
  readonly #selectSyncNo: Database.Statement<[string], number>;
  readonly #addSyncTime: Database.Statement<[string], number>;
  readonly #sweepSyncTimes: Database.Statement<[number]>;
  readonly #upsertDay: Database.Statement;
  readonly #upsertDayRow: Database.Statement<[number, string, number, number, number, number, number]>;
  readonly #upsertDayRows: Database.Statement<[readonly (string | number)[]]>;
  readonly #selectKeyDays: Database.Statement<[string, string, string, string], UsageRow & { day: string }>;
  readonly #selectMonthTotals: Database.Statement<[string, string, string], UsageRow & { key_id: string; days: number }>;
  #syncTimesAdded = 0;
  #checkpointHolds = 0;
  readonly #selectDayTotals: Database.Statement<[string, string], UsageRow & { key_id: string }>;
  readonly #upsertMonth: Database.Statement;
  readonly #upsertMonthRow: Database.Statement<[number, string, number, number, number, number, number]>;
  readonly #selectKeyMonths: Database.Statement<[string, string], UsageRow & { key_id: string }>;
  readonly #upsertSnapshot: Database.Statement<[string, string, string, string, string]>;
  readonly #deleteKeySnapshot: Database.Statement<[{ server: string; kind: string; key: string }]>;
  readonly #selectSnapshot: Database.Statement<[string, string, string], { data_json: string; synced_at: string }>;

  /** Opens the cache file at `path`, creating it (mode 0600, in a new directory of mode 0700) when missing. */
  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Created before SQLite opens it, so the file is never readable by others, not even for a moment.
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
    const db = new Database(path);
    this.#db = db;
    try {
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000');
      compactAfterMigration(db, migrateCacheSchema(db));
    } catch (error) {
      db.close();
      throw error;
    }

    const prepare = <Params extends unknown[], Row>(sql: string) => db.prepare<Params, Row>(sql) as Database.Statement<Params, Row>;
    this.#upsertServer = prepare(`
      INSERT INTO servers (${SERVER_COLUMNS})
      VALUES (@id, @name, @target_json, @ssh_alias, @host_key_fingerprint, @added_at, @agent_json, @last_synced_at)
      ON CONFLICT (id) DO UPDATE SET
        name = excluded.name, target_json = excluded.target_json, ssh_alias = excluded.ssh_alias,
        host_key_fingerprint = excluded.host_key_fingerprint, added_at = excluded.added_at,
        agent_json = excluded.agent_json, last_synced_at = excluded.last_synced_at`);
    this.#setSealedSecret = prepare('UPDATE servers SET sealed_secret = ? WHERE id = ?');
    this.#deleteTrustedKeys = prepare('DELETE FROM trusted_host_keys WHERE server_id = ?');
    this.#insertTrustedKey = prepare('INSERT INTO trusted_host_keys (server_id, host_port, fingerprint) VALUES (?, ?, ?)');
    this.#selectServers = prepare(`SELECT ${SERVER_COLUMNS} FROM servers ORDER BY added_at, id`);
    // An id wins over a name that happens to spell another server's id.
    this.#selectServer = prepare(
      `SELECT ${SERVER_COLUMNS} FROM servers WHERE id = @wanted OR name = @wanted ORDER BY id = @wanted DESC LIMIT 1`,
    );
    this.#selectCredentials = prepare('SELECT sealed_secret FROM servers WHERE id = ?');
    this.#selectTrustedKeys = prepare('SELECT host_port, fingerprint FROM trusted_host_keys WHERE server_id = ? ORDER BY host_port');
    this.#deleteServer = prepare('DELETE FROM servers WHERE id = ?');
    this.#setLastSynced = prepare('UPDATE servers SET last_synced_at = ? WHERE id = ?');
    this.#setKeysSynced = prepare('UPDATE servers SET keys_synced_at = ? WHERE id = ?');
    this.#selectKeysSynced = prepare('SELECT keys_synced_at FROM servers WHERE id = ?');
    // As the agent lists them: by creation, and a bulk create's keys (one created_at) in the order
    // given, which is the order of their ports.
    this.#selectKeys = prepare(
      `SELECT id, name, uuid, port, is_active, created_at, ${KEY_LIMIT_COLUMNS.join(', ')} FROM keys WHERE server_id = ? ORDER BY created_at, port`,
    );
    this.#selectKeyIds = prepare('SELECT id FROM keys WHERE server_id = ?');
    this.#upsertKey = prepare(`
      INSERT INTO keys (server_id, id, name, uuid, port, is_active, created_at, ${KEY_LIMIT_COLUMNS.join(', ')})
      VALUES (@server_id, @id, @name, @uuid, @port, @is_active, @created_at, ${KEY_LIMIT_COLUMNS.map((column) => `@${column}`).join(', ')})
      ON CONFLICT (server_id, id) DO UPDATE SET
        name = excluded.name, uuid = excluded.uuid, port = excluded.port,
        is_active = excluded.is_active, created_at = excluded.created_at,
        ${KEY_LIMIT_COLUMNS.map((column) => `${column} = excluded.${column}`).join(', ')}`);
    this.#deleteKey = prepare('DELETE FROM keys WHERE server_id = ? AND id = ?');
    this.#addHistoryKey = prepare('INSERT INTO cache_keys (server_id, key_id) VALUES (?, ?) ON CONFLICT DO NOTHING');
    this.#selectKeyNo = prepare<[string, string], number>('SELECT no FROM cache_keys WHERE server_id = ? AND key_id = ?').pluck();
    this.#selectHistoryKeyIds = prepare('SELECT key_id FROM cache_keys WHERE server_id = ?');
    // Its days and months go with it (ON DELETE CASCADE, by their primary key's first column).
    this.#deleteHistoryKey = prepare('DELETE FROM cache_keys WHERE server_id = ? AND key_id = ?');
    this.#selectSyncNo = prepare<[string], number>('SELECT no FROM sync_times WHERE synced_at = ?').pluck();
    this.#addSyncTime = prepare<[string], number>('INSERT INTO sync_times (synced_at) VALUES (?) RETURNING no').pluck();
    this.#sweepSyncTimes = prepare(`
      DELETE FROM sync_times WHERE no <> ?
        AND no NOT IN (SELECT sync_no FROM key_days) AND no NOT IN (SELECT sync_no FROM key_months)`);
    this.#upsertDay = prepare(upsertUsageSql('key_days', 'day'));
    this.#upsertDayRow = prepare(upsertUsageSql('key_days', 'day').replace(/@[a-z_]+/g, '?'));
    this.#upsertDayRows = prepare(upsertUsageSql('key_days', 'day', DAY_ROWS_PER_STATEMENT));
    this.#selectKeyDays = prepare(`
      SELECT u.day, ${USAGE_COLUMNS}
      FROM cache_keys k JOIN key_days u ON u.key_no = k.no JOIN sync_times t ON t.no = u.sync_no
      WHERE k.server_id = ? AND k.key_id = ? AND u.day BETWEEN ? AND ? ORDER BY u.day`);
    // The server's keys in key_id order (their unique index), each key's days a range of its own.
    this.#selectMonthTotals = prepare(`
      SELECT k.key_id, COUNT(*) AS days, SUM(u.rx_bytes) AS rx_bytes,
        SUM(u.tx_bytes) AS tx_bytes, MAX(u.max_connections) AS max_connections, SUM(u.sessions) AS sessions,
        MAX(t.synced_at) AS synced_at
      FROM cache_keys k CROSS JOIN key_days u ON u.key_no = k.no AND u.day BETWEEN ? AND ? JOIN sync_times t ON t.no = u.sync_no
      WHERE k.server_id = ?
      GROUP BY k.key_id ORDER BY k.key_id`);
    this.#selectDayTotals = prepare(`
      SELECT k.key_id, ${USAGE_COLUMNS}
      FROM cache_keys k CROSS JOIN key_days u ON u.key_no = k.no AND u.day = ? JOIN sync_times t ON t.no = u.sync_no
      WHERE k.server_id = ? ORDER BY k.key_id`);
    this.#upsertMonth = prepare(upsertUsageSql('key_months', 'year_month'));
    this.#upsertMonthRow = prepare(upsertUsageSql('key_months', 'year_month', 1));
    this.#selectKeyMonths = prepare(`
      SELECT k.key_id, ${USAGE_COLUMNS}
      FROM cache_keys k CROSS JOIN key_months u ON u.key_no = k.no AND u.year_month = ? JOIN sync_times t ON t.no = u.sync_no
      WHERE k.server_id = ? ORDER BY k.key_id`);
    this.#upsertSnapshot = prepare(`
      INSERT INTO snapshots (server_id, kind, scope, data_json, synced_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (server_id, kind, scope) DO UPDATE SET data_json = excluded.data_json, synced_at = excluded.synced_at`);
    // A key's snapshots are scoped by its id, or by `id/...` (a month of it).
    this.#deleteKeySnapshot = prepare(
      "DELETE FROM snapshots WHERE server_id = @server AND kind = @kind AND (scope = @key OR substr(scope, 1, length(@key) + 1) = @key || '/')",
    );
    this.#selectSnapshot = prepare('SELECT data_json, synced_at FROM snapshots WHERE server_id = ? AND kind = ? AND scope = ?');
  }

  /** Runs `work` in one transaction (nested ones become savepoints): all its writes land, or none. */
  batch<T>(work: () => T): T {
    return this.#db.transaction(work)();
  }

  /**
   * Until every returned release is called, the WAL is not copied into the file every ~4 MB: a
   * first sync of 10,000 keys (70 MB) then fsyncs once at the end instead of at 18 checkpoints,
   * which cost ~2 s on this project's disk. The release checkpoints and empties the WAL.
   */
  holdCheckpoints(): () => void {
    if (this.#checkpointHolds === 0) this.#db.pragma('wal_autocheckpoint = 0');
    this.#checkpointHolds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#checkpointHolds -= 1;
      if (this.#checkpointHolds > 0) return;
      this.#db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      // A reader in another process (the CLI beside the window) may hold it back: the next writes checkpoint then.
      this.#db.pragma('wal_checkpoint(TRUNCATE)');
    };
  }

  /**
   * Adds the server or updates the one with its id. A credential left out is kept as it is;
   * `trustedKeys`, when given, replaces the whole set. A name another server has is refused.
   */
  saveServer(server: ServerInfo, credentials: Partial<ServerCredentials> = {}): void {
    this.batch(() => {
      try {
        this.#upsertServer.run({
          id: server.id,
          name: server.name,
          target_json: JSON.stringify(server.target),
          ssh_alias: server.sshAlias,
          host_key_fingerprint: server.hostKeyFingerprint,
          added_at: server.addedAt,
          agent_json: server.agent === null ? null : JSON.stringify(server.agent),
          last_synced_at: server.lastSyncedAt,
        });
      } catch (error) {
        if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new KeyportError('bad-input', `another server is already named "${server.name}"`, { name: server.name });
        }
        throw error;
      }
      if (credentials.sealedSecret !== undefined) this.#setSealedSecret.run(credentials.sealedSecret, server.id);
      if (credentials.trustedKeys !== undefined) {
        this.#deleteTrustedKeys.run(server.id);
        for (const [hostPort, fingerprint] of Object.entries(credentials.trustedKeys)) {
          this.#insertTrustedKey.run(server.id, hostPort, fingerprint);
        }
      }
    });
  }

  /** Every server, oldest first. */
  listServers(): ServerInfo[] {
    return this.#selectServers.all().map(toServerInfo);
  }

  /** The server with this id, or else with this name (names match ignoring ASCII case). */
  findServer(idOrName: string): ServerInfo | null {
    const row = this.#selectServer.get({ wanted: idOrName });
    return row === undefined ? null : toServerInfo(row);
  }

  serverCredentials(serverId: string): ServerCredentials | null {
    const row = this.#selectCredentials.get(serverId);
    if (row === undefined) return null;
    const trustedKeys: Record<string, string> = {};
    for (const { host_port, fingerprint } of this.#selectTrustedKeys.all(serverId)) trustedKeys[host_port] = fingerprint;
    return { sealedSecret: row.sealed_secret, trustedKeys };
  }

  /** Removes the server with everything cached of it. False when it was not there. */
  removeServer(serverId: string): boolean {
    return this.#deleteServer.run(serverId).changes > 0;
  }

  markSynced(serverId: string, at: string): void {
    if (this.#setLastSynced.run(at, serverId).changes === 0) throw notCached(serverId);
  }

  /**
   * Stores the full list from GET /api/keys: keys gone from it are dropped here, with their history
   * (the agent drops a deleted key's history too). Kept keys are updated in place, history and all.
   */
  replaceKeys(serverId: string, keys: readonly ApiKey[], syncedAt: string): void {
    this.batch(() => {
      if (this.#setKeysSynced.run(syncedAt, serverId).changes === 0) throw notCached(serverId);
      const current = new Set(keys.map((key) => key.id));
      for (const { id } of this.#selectKeyIds.all(serverId)) {
        if (!current.has(id)) this.#deleteKey.run(serverId, id);
      }
      for (const { key_id } of this.#selectHistoryKeyIds.all(serverId)) {
        if (!current.has(key_id)) this.#deleteHistory(serverId, key_id);
      }
      for (const key of keys) this.#upsertKey.run(keyParams(serverId, key));
    });
  }

  /** Stores one key as the server just returned it; the list's syncedAt is left as it is. */
  upsertKey(serverId: string, key: ApiKey): void {
    this.#write(serverId, () => this.#upsertKey.run(keyParams(serverId, key)));
  }

  /** Deletes the key with its daily and monthly history. False when it was not there. */
  deleteKey(serverId: string, keyId: string): boolean {
    return this.batch(() => {
      const keyDeleted = this.#deleteKey.run(serverId, keyId).changes > 0;
      const historyDeleted = this.#deleteHistory(serverId, keyId);
      return keyDeleted || historyDeleted;
    });
  }

  /** The keys as of the last replaceKeys, with later single-key changes; null before any replaceKeys. */
  listKeys(serverId: string): CachedKeys | null {
    const syncedAt = this.#selectKeysSynced.get(serverId)?.keys_synced_at;
    if (syncedAt === undefined || syncedAt === null) return null;
    return { keys: this.#selectKeys.all(serverId).map(toApiKey), syncedAt };
  }

  /**
   * Stores a key's days, each replacing the cached numbers of its date. Days not in `days` are kept:
   * the cache holds history the agent may already have cleaned up.
   */
  putKeyDays(serverId: string, keyId: string, days: Readonly<Record<string, DayUsage>>, syncedAt: string): void {
    for (const date of Object.keys(days)) checkForm(date, isCalendarDate, 'date', 'YYYY-MM-DD');
    this.#write(serverId, () =>
      this.batch(() => {
        const keyNo = this.#keyNo(serverId, keyId);
        const entries = Object.entries(days);
        if (entries.length === 0) return;
        const syncNo = this.#syncNo(syncedAt);
        for (const [day, usage] of entries) this.#upsertDay.run({ ...countsOf(usage), key_no: keyNo, day, sync_no: syncNo });
      }),
    );
  }

  /**
   * Stores the days of many keys at once, as the agent's bulk read pages them; like putKeyDays for
   * each key, in one transaction: every date is checked before anything is written.
   */
  putDayRows(serverId: string, keys: readonly { keyId: string; days: readonly DayRow[] }[], syncedAt: string): void {
    // A page holds a million rows of a few hundred dates: each date is judged once.
    const judged = new Set<string>();
    for (const { days } of keys) {
      for (const [date] of days) {
        if (judged.has(date)) continue;
        checkForm(date, isCalendarDate, 'date', 'YYYY-MM-DD');
        judged.add(date);
      }
    }
    this.#write(serverId, () =>
      this.batch(() => {
        const syncNo = this.#syncNo(syncedAt);
        // Positional: binding named parameters costs more than the insert itself at a million rows.
        const values: (string | number)[] = [];
        let pending = 0;
        for (const { keyId, days } of keys) {
          const keyNo = this.#keyNo(serverId, keyId);
          for (const [day, rxBytes, txBytes, maxConnections, sessions] of days) {
            values.push(keyNo, day, rxBytes, txBytes, maxConnections, sessions, syncNo);
            pending += 1;
            if (pending < DAY_ROWS_PER_STATEMENT) continue;
            this.#upsertDayRows.run(values);
            values.length = 0;
            pending = 0;
          }
        }
        for (let at = 0; at < values.length; at += 7) {
          this.#upsertDayRow.run(...(values.slice(at, at + 7) as [number, string, number, number, number, number, number]));
        }
      }),
    );
  }

  /** One key's cached days, oldest first. */
  keyDays(serverId: string, keyId: string, range: DayRange = {}): CachedDay[] {
    const from = range.from ?? '0000-01-01';
    const to = range.to ?? '9999-12-31';
    checkForm(from, isCalendarDate, 'from', 'YYYY-MM-DD');
    checkForm(to, isCalendarDate, 'to', 'YYYY-MM-DD');
    return this.#selectKeyDays.all(serverId, keyId, from, to).map((row) => ({
      date: row.day,
      usage: usageOf(row),
      syncedAt: row.synced_at,
    }));
  }

  /** Each key's month summed from its cached days, by key id; keys without a cached day are absent. */
  monthTotals(serverId: string, yearMonth: string): KeyMonthTotal[] {
    checkForm(yearMonth, isYearMonth, 'year_month', 'YYYY-MM');
    return this.#selectMonthTotals.all(`${yearMonth}-01`, `${yearMonth}-31`, serverId).map((row) => ({
      keyId: row.key_id,
      days: row.days,
      usage: usageOf(row),
      syncedAt: row.synced_at,
    }));
  }

  /** Each key's cached numbers for one date, by key id. */
  dayTotals(serverId: string, date: string): KeyUsage[] {
    checkForm(date, isCalendarDate, 'date', 'YYYY-MM-DD');
    return this.#selectDayTotals.all(date, serverId).map(toKeyUsage);
  }

  /** Stores a key's month total as GET /api/traffic/monthly reported it (for months whose days are not all cached). */
  putKeyMonth(serverId: string, keyId: string, yearMonth: string, usage: DayUsage, syncedAt: string): void {
    checkForm(yearMonth, isYearMonth, 'year_month', 'YYYY-MM');
    this.#write(serverId, () =>
      this.batch(() => {
        this.#upsertMonth.run({
          ...countsOf(usage),
          key_no: this.#keyNo(serverId, keyId),
          year_month: yearMonth,
          sync_no: this.#syncNo(syncedAt),
        });
      }),
    );
  }

  /**
   * Stores many keys' totals of one month (the monthly report of a server), like putKeyMonth for
   * each in one transaction: at 10,000 keys, 100 ms instead of 300-450 ms (a savepoint, a date check
   * and named parameters each time).
   */
  putKeyMonths(serverId: string, yearMonth: string, keys: readonly { keyId: string; usage: DayUsage }[], syncedAt: string): void {
    checkForm(yearMonth, isYearMonth, 'year_month', 'YYYY-MM');
    if (keys.length === 0) return;
    this.#write(serverId, () =>
      this.batch(() => {
        const syncNo = this.#syncNo(syncedAt);
        for (const { keyId, usage } of keys) {
          this.#upsertMonthRow.run(this.#keyNo(serverId, keyId), yearMonth, usage.rx_bytes, usage.tx_bytes, usage.max_connections, usage.sessions, syncNo);
        }
      }),
    );
  }

  /** The month totals stored by putKeyMonth for one month, by key id. */
  keyMonths(serverId: string, yearMonth: string): KeyUsage[] {
    checkForm(yearMonth, isYearMonth, 'year_month', 'YYYY-MM');
    return this.#selectKeyMonths.all(yearMonth, serverId).map(toKeyUsage);
  }

  /** Stores a whole response as JSON, replacing the one of the same kind and scope. */
  putSnapshot<K extends keyof Kinds & string>(serverId: string, kind: K, scope: string, data: Kinds[K], syncedAt: string): void {
    const json = JSON.stringify(data);
    if (json === undefined) throw new KeyportError('bad-input', `a ${kind} snapshot must be JSON data`);
    this.#write(serverId, () => this.#upsertSnapshot.run(serverId, kind, scope, json, syncedAt));
  }

  /** Drops a key's snapshots of these kinds (one scoped by its id, or by `id/...`). */
  deleteKeySnapshots(serverId: string, keyId: string, kinds: readonly (keyof Kinds & string)[]): void {
    this.batch(() => {
      for (const kind of kinds) this.#deleteKeySnapshot.run({ server: serverId, kind, key: keyId });
    });
  }

  /** The snapshot as stored: its kind says what the data is. */
  getSnapshot<K extends keyof Kinds & string>(serverId: string, kind: K, scope: string): CachedSnapshot<Kinds[K]> | null {
    const row = this.#selectSnapshot.get(serverId, kind, scope);
    return row === undefined ? null : { data: JSON.parse(row.data_json) as Kinds[K], syncedAt: row.synced_at };
  }

  /** Forgets a key's days and months, as the server does when its history is reset. */
  clearKeyHistory(serverId: string, keyId: string): void {
    this.batch(() => this.#deleteHistory(serverId, keyId));
  }

  close(): void {
    this.#db.close();
  }

  #deleteHistory(serverId: string, keyId: string): boolean {
    return this.#deleteHistoryKey.run(serverId, keyId).changes > 0;
  }

  /** The key's number in this file, given to it on its first history row. */
  #keyNo(serverId: string, keyId: string): number {
    this.#addHistoryKey.run(serverId, keyId);
    return this.#selectKeyNo.get(serverId, keyId) as number;
  }

  /** The sync time's number, added when new; now and then the times no row uses any more are swept. */
  #syncNo(syncedAt: string): number {
    const known = this.#selectSyncNo.get(syncedAt);
    if (known !== undefined) return known;
    const added = this.#addSyncTime.get(syncedAt) as number;
    this.#syncTimesAdded += 1;
    if (this.#syncTimesAdded % SYNC_TIMES_PER_SWEEP === 0) this.#sweepSyncTimes.run(added);
    return added;
  }

  /** Runs a write for a server, turning a server missing from the cache into `not-found`. */
  #write<T>(serverId: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw notCached(serverId);
      throw error;
    }
  }
}

function notCached(serverId: string): KeyportError {
  return new KeyportError('not-found', `server ${serverId} is not in the cache`, { serverId });
}

/** Dates and months are judged by the API's own rules: 2025-02-30 and 2025-13 are refused. */
function checkForm(value: string, isValid: (text: string) => boolean, name: string, formName: string): void {
  if (!isValid(value)) throw new KeyportError('bad-input', `${name} must be in ${formName} form, not "${value}"`);
}

function toServerInfo(row: ServerRow): ServerInfo {
  return {
    id: row.id,
    name: row.name,
    target: JSON.parse(row.target_json) as ServerInfo['target'],
    sshAlias: row.ssh_alias,
    hostKeyFingerprint: row.host_key_fingerprint,
    addedAt: row.added_at,
    agent: row.agent_json === null ? null : (JSON.parse(row.agent_json) as ServerInfo['agent']),
    lastSyncedAt: row.last_synced_at,
  };
}

function keyParams(serverId: string, given: ApiKey): Record<string, string | number | null> {
  const key = withLimitDefaults(given);
  return {
    server_id: serverId,
    id: key.id,
    name: key.name,
    uuid: key.uuid,
    port: key.port,
    is_active: key.is_active ? 1 : 0,
    created_at: key.created_at,
    data_limit_bytes: key.data_limit_bytes,
    data_limit_reset: key.data_limit_reset,
    expires_at: key.expires_at,
    note: key.note,
    status: key.status,
    used_bytes: key.used_bytes,
    period_started_at: key.period_started_at,
    subscription_url: key.subscription_url,
  };
}

function toApiKey(row: KeyRow): ApiKey {
  return { ...row, is_active: row.is_active === 1 };
}

/** The counts a usage row stores: a monthly_traffic object also carries formatted strings; total_bytes is rx + tx. */
function countsOf(usage: DayUsage): Omit<DayUsage, 'total_bytes'> {
  return { rx_bytes: usage.rx_bytes, tx_bytes: usage.tx_bytes, max_connections: usage.max_connections, sessions: usage.sessions };
}

/** A usage row as the API shapes it. */
function usageOf(row: Omit<DayUsage, 'total_bytes'>): DayUsage {
  return {
    total_bytes: row.rx_bytes + row.tx_bytes,
    rx_bytes: row.rx_bytes,
    tx_bytes: row.tx_bytes,
    max_connections: row.max_connections,
    sessions: row.sessions,
  };
}

function toKeyUsage(row: UsageRow & { key_id: string }): KeyUsage {
  return { keyId: row.key_id, usage: usageOf(row), syncedAt: row.synced_at };
}
