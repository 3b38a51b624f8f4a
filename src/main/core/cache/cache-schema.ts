import type { Database } from 'better-sqlite3';

/**
 * A key's usage per period (a day, a month) as the agent reported it. Part of the first migration,
 * so its text is shipped: never edit it; a change is a new migration.
 */
const usageTable = (table: string, period: string): string => `CREATE TABLE ${table} (
    server_id       TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    ${period.padEnd(15)} TEXT NOT NULL,
    key_id          TEXT NOT NULL,
    total_bytes     INTEGER NOT NULL,
    rx_bytes        INTEGER NOT NULL,
    tx_bytes        INTEGER NOT NULL,
    max_connections INTEGER NOT NULL,
    sessions        INTEGER NOT NULL,
    synced_at       TEXT NOT NULL,
    PRIMARY KEY (server_id, ${period}, key_id)
  ) WITHOUT ROWID;
  CREATE INDEX ${table}_by_key ON ${table}(server_id, key_id, ${period});`;

/**
 * The cache's schema, one entry per version: entry N takes a file from `user_version` N to N + 1.
 * Shipped entries are never edited; a change of schema is a new entry.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE servers (
    id                   TEXT PRIMARY KEY,
    name                 TEXT NOT NULL COLLATE NOCASE UNIQUE,
    target_json          TEXT NOT NULL,
    ssh_alias            TEXT,
    host_key_fingerprint TEXT NOT NULL,
    added_at             TEXT NOT NULL,
    agent_json           TEXT,
    last_synced_at       TEXT,
    keys_synced_at       TEXT,
    -- Encrypted by the caller (OS keychain); opaque here.
    sealed_secret        TEXT
  ) WITHOUT ROWID;

  -- Accepted host keys of the server and of each ProxyJump hop, by "host:port".
  CREATE TABLE trusted_host_keys (
    server_id   TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    host_port   TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    PRIMARY KEY (server_id, host_port)
  ) WITHOUT ROWID;

  CREATE TABLE keys (
    server_id  TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    uuid       TEXT NOT NULL,
    port       INTEGER NOT NULL,
    is_active  INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (server_id, id)
  ) WITHOUT ROWID;

  -- Every key whose history is cached, so dropping the history of keys gone from the server reads
  -- a few thousand rows, not millions. Not the keys table: the agent may report a key's traffic
  -- before the key list is fetched, and that history is kept all the same.
  CREATE TABLE history_keys (
    server_id TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    key_id    TEXT NOT NULL,
    PRIMARY KEY (server_id, key_id)
  ) WITHOUT ROWID;

  -- Keyed by day before key: month and day totals read one contiguous range of a server's rows.
  -- No foreign key to history_keys: without statistics the planner would look a key's rows up by
  -- the primary key's server_id alone, a scan of the whole server per deleted key. The cache deletes
  -- a key's rows itself, through key_days_by_key.
  ${usageTable('key_days', 'day')}

  -- Month totals as the agent reported them, for months whose days are not all cached.
  ${usageTable('key_months', 'year_month')}

  -- Whole responses as last seen, so an offline server answers every read exactly.
  CREATE TABLE snapshots (
    server_id TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    scope     TEXT NOT NULL,
    data_json TEXT NOT NULL,
    synced_at TEXT NOT NULL,
    PRIMARY KEY (server_id, kind, scope)
  ) WITHOUT ROWID;
  `,
  // Key history reports were kept whole; their days now live in key_days alone (key-history-summary).
  `
  DELETE FROM snapshots WHERE kind = 'key-history';
  `,
  // Ids stored once: a year of 10,000 keys is millions of day rows, and each carried the server's
  // and the key's ids as text, twice (table and index), with a total and a timestamp. Now a row is
  // the key's number, the day, four counts and the number of its sync time; total_bytes is rx + tx.
  `
  CREATE TABLE cache_keys (
    no        INTEGER PRIMARY KEY,
    server_id TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
    key_id    TEXT NOT NULL,
    UNIQUE (server_id, key_id)
  );

  -- No foreign key from the usage tables: a delete here would scan them. Unused times are pruned.
  CREATE TABLE sync_times (
    no        INTEGER PRIMARY KEY,
    synced_at TEXT NOT NULL UNIQUE
  );

  CREATE TABLE key_days_by_no (
    key_no          INTEGER NOT NULL REFERENCES cache_keys(no) ON DELETE CASCADE,
    day             TEXT NOT NULL,
    rx_bytes        INTEGER NOT NULL,
    tx_bytes        INTEGER NOT NULL,
    max_connections INTEGER NOT NULL,
    sessions        INTEGER NOT NULL,
    sync_no         INTEGER NOT NULL,
    PRIMARY KEY (key_no, day)
  ) WITHOUT ROWID;

  CREATE TABLE key_months_by_no (
    key_no          INTEGER NOT NULL REFERENCES cache_keys(no) ON DELETE CASCADE,
    year_month      TEXT NOT NULL,
    rx_bytes        INTEGER NOT NULL,
    tx_bytes        INTEGER NOT NULL,
    max_connections INTEGER NOT NULL,
    sessions        INTEGER NOT NULL,
    sync_no         INTEGER NOT NULL,
    PRIMARY KEY (key_no, year_month)
  ) WITHOUT ROWID;

  INSERT INTO cache_keys (server_id, key_id)
    SELECT server_id, key_id FROM history_keys
    UNION SELECT server_id, key_id FROM key_days
    UNION SELECT server_id, key_id FROM key_months;
  INSERT INTO sync_times (synced_at) SELECT synced_at FROM key_days UNION SELECT synced_at FROM key_months;
  INSERT INTO key_days_by_no
    SELECT k.no, d.day, d.rx_bytes, d.tx_bytes, d.max_connections, d.sessions, t.no
    FROM key_days d JOIN cache_keys k ON k.server_id = d.server_id AND k.key_id = d.key_id JOIN sync_times t ON t.synced_at = d.synced_at;
  INSERT INTO key_months_by_no
    SELECT k.no, m.year_month, m.rx_bytes, m.tx_bytes, m.max_connections, m.sessions, t.no
    FROM key_months m JOIN cache_keys k ON k.server_id = m.server_id AND k.key_id = m.key_id JOIN sync_times t ON t.synced_at = m.synced_at;
  DROP TABLE key_days;
  DROP TABLE key_months;
  DROP TABLE history_keys;
  ALTER TABLE key_days_by_no RENAME TO key_days;
  ALTER TABLE key_months_by_no RENAME TO key_months;
  `,
  // Keys' limits (issue 13), so an offline server's keys still show their status, usage and expiry.
  // Keys cached before were fetched from agents without limits: none, and a status from is_active.
  `
  ALTER TABLE keys ADD COLUMN data_limit_bytes INTEGER;
  ALTER TABLE keys ADD COLUMN data_limit_reset TEXT NOT NULL DEFAULT 'no_reset';
  ALTER TABLE keys ADD COLUMN expires_at TEXT;
  ALTER TABLE keys ADD COLUMN note TEXT NOT NULL DEFAULT '';
  ALTER TABLE keys ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
  ALTER TABLE keys ADD COLUMN used_bytes INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE keys ADD COLUMN period_started_at TEXT;
  UPDATE keys SET status = 'disabled' WHERE is_active = 0;
  `,
  // Keys' subscription links (issue 14), so an offline server's people still show theirs.
  `
  ALTER TABLE keys ADD COLUMN subscription_url TEXT;
  `,
];

export const CACHE_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the file's schema up to CACHE_SCHEMA_VERSION, each step in its own transaction, and
 * answers the version the file had. `toVersion` stops earlier: tests make files of the versions
 * Keyport once shipped.
 */
export function migrateCacheSchema(db: Database, toVersion = CACHE_SCHEMA_VERSION): number {
  const readVersion = db.prepare<[], number>('PRAGMA user_version').pluck();
  const version = readVersion.get() as number;
  if (version > CACHE_SCHEMA_VERSION) {
    throw new Error(
      `the cache file has schema version ${version}, newer than the ${CACHE_SCHEMA_VERSION} this Keyport knows; update Keyport`,
    );
  }
  if (version >= toVersion) return version;
  for (const [from, sql] of MIGRATIONS.slice(0, toVersion).entries()) {
    db.transaction(() => {
      // Read again under the write lock: another Keyport process (the CLI beside the window) may have just migrated.
      if (readVersion.get() !== from) return;
      db.exec(sql);
      db.exec(`PRAGMA user_version = ${from + 1}`);
    }).immediate();
  }
  return version;
}

/**
 * After a migration that left most of the file free (version 3 rewrote every history row at a
 * third of its size), gives the space back once. Another Keyport process holding the file open
 * makes VACUUM fail busy: the space is then reused by later writes instead.
 */
export function compactAfterMigration(db: Database, migratedFrom: number): void {
  if (migratedFrom === 0 || migratedFrom >= CACHE_SCHEMA_VERSION) return;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  if (free * 2 <= pages) return;
  try {
    db.exec('VACUUM');
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && String(error.code).startsWith('SQLITE_BUSY'))) throw error;
  }
}
