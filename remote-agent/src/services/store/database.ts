import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { ipsetCounterOf } from '../counter-baselines.ts';
import { newSubscriptionToken } from '../subscriptions/subscription-token.ts';
import { blockOf, decodeBlock, emptyBlock, encodeBlock, slotOf } from './port-baseline-blocks.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS keys (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  uuid          TEXT NOT NULL UNIQUE,
  port          INTEGER NOT NULL UNIQUE,
  is_active     INTEGER NOT NULL DEFAULT 1,
  created_at_ms INTEGER NOT NULL
);

-- One row per key. live_* restart at the live reset; total_* at the history reset; period_used_bytes
-- (added by addKeyLimits) with each period of the key's quota; day and day_* (added by
-- addCurrentDays for older databases) are the key's daily row of the day sampling cycles write to.
CREATE TABLE IF NOT EXISTS key_totals (
  key_id            TEXT PRIMARY KEY REFERENCES keys(id) ON DELETE CASCADE,
  live_rx_bytes     INTEGER NOT NULL DEFAULT 0,
  live_tx_bytes     INTEGER NOT NULL DEFAULT 0,
  total_rx_bytes    INTEGER NOT NULL DEFAULT 0,
  total_tx_bytes    INTEGER NOT NULL DEFAULT 0,
  total_connections INTEGER NOT NULL DEFAULT 0,
  last_activity_ms  INTEGER,
  -- Raw samples of this key in traffic_sample_cycles rows up to this id are not its own (history reset).
  samples_through_cycle INTEGER NOT NULL DEFAULT 0,
  -- The key's row of one day, kept here so that a cycle updates one row per key, not two; NULL (and
  -- every day_* 0): no such row. A (key, day) is here or in daily_traffic, never both; a cycle of
  -- another day adds it into daily_traffic first (TrafficStore).
  day                 TEXT,
  day_rx_bytes        INTEGER NOT NULL DEFAULT 0,
  day_tx_bytes        INTEGER NOT NULL DEFAULT 0,
  day_max_connections INTEGER NOT NULL DEFAULT 0,
  day_sessions        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS daily_traffic (
  key_id          TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
  day             TEXT NOT NULL,
  rx_bytes        INTEGER NOT NULL DEFAULT 0,
  tx_bytes        INTEGER NOT NULL DEFAULT 0,
  max_connections INTEGER NOT NULL DEFAULT 0,
  sessions        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (key_id, day)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS daily_traffic_by_day ON daily_traffic(day);

-- Raw samples of keys that moved bytes, kept for a bounded time (48 h): one row per cycle, its
-- samples packed in one BLOB (sample-cycles.ts), \`samples\` their number. AUTOINCREMENT: ids only
-- grow, so a key's history reset can hide its samples in every row up to one id (key_totals).
-- Databases from before hold traffic_samples (a row per key and cycle): kept until they age out.
CREATE TABLE IF NOT EXISTS traffic_sample_cycles (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms   INTEGER NOT NULL,
  samples INTEGER NOT NULL,
  data    BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS traffic_sample_cycles_by_time ON traffic_sample_cycles(at_ms);

-- The last raw value read from each firewall counter, so deltas survive restarts and resets.
-- The server's settings (Reality target, who may be reached through the VPN, logging), one JSON value each.
CREATE TABLE IF NOT EXISTS settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS counter_baselines (
  counter_id TEXT PRIMARY KEY,
  value      INTEGER NOT NULL
) WITHOUT ROWID;

-- The ipset counters' baselines, one row per block of 128 ports (see port-baseline-blocks.ts): a
-- cycle where every port moved writes 79 rows instead of 10,000. counter_baselines keeps the ids of
-- other shapes (the accounting of before).
CREATE TABLE IF NOT EXISTS port_baseline_blocks (
  first_port INTEGER PRIMARY KEY,
  counters   BLOB NOT NULL
);
`;

/**
 * Opens (creating when missing) the agent's SQLite database in WAL mode with its schema, after
 * `PRAGMA quick_check`: a damaged file fails here, at start, with what SQLite found, instead of as
 * 500s on whichever request first reads the bad page.
 */
export function openDatabase(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  try {
    checkIntegrity(db, path);
  } catch (error) {
    db.close();
    throw error;
  }
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec(SCHEMA);
  addNameKeys(db);
  packPortBaselines(db);
  addSampleCutoffs(db);
  addKeyLimits(db);
  addKeySubscriptions(db);
  addCurrentDays(db);
  return db;
}

/**
 * Names are unique per server, compared by a folded form the key store fills in (`name_key`).
 * Databases from before this rule may hold the same name twice: those rows get no name_key (NULL
 * is never equal to NULL in a UNIQUE index), so opening never fails on them; the store gives the
 * oldest key of each name its name_key.
 */
function addNameKeys(db: DatabaseSync): void {
  const columns = db.prepare('PRAGMA table_info(keys)').all() as Array<{ name: string }>;
  if (!columns.some((column) => column.name === 'name_key')) db.exec('ALTER TABLE keys ADD COLUMN name_key TEXT');
  db.exec('CREATE UNIQUE INDEX IF NOT EXISTS keys_by_name_key ON keys(name_key)');
}

/**
 * key_totals.samples_through_cycle: a key's samples in traffic_sample_cycles rows with an id up to
 * it are not its own any more (its history was reset); packed rows are never rewritten for that.
 */
function addSampleCutoffs(db: DatabaseSync): void {
  const columns = db.prepare('PRAGMA table_info(key_totals)').all() as Array<{ name: string }>;
  if (!columns.some((column) => column.name === 'samples_through_cycle')) {
    db.exec('ALTER TABLE key_totals ADD COLUMN samples_through_cycle INTEGER NOT NULL DEFAULT 0');
  }
}

/**
 * A key's limits (beyond the spec) and the agent's verdict on them, with the counter of the
 * current period: `limit_status` is what the agent enforces now (active, limited, expired), so a
 * restart starts from it; `period_used_bytes` counts rx + tx since `period_started_at_ms` and
 * restarts with each period, never touched by the live or the history reset. Older databases get
 * every column with its default: no quota, no reset, no expiry, no note.
 */
function addKeyLimits(db: DatabaseSync): void {
  const keyColumns = new Set((db.prepare('PRAGMA table_info(keys)').all() as Array<{ name: string }>).map((column) => column.name));
  const wanted: Array<[string, string]> = [
    ['data_limit_bytes', 'INTEGER'],
    ['data_limit_reset', "TEXT NOT NULL DEFAULT 'no_reset'"],
    ['expires_at_ms', 'INTEGER'],
    ['note', "TEXT NOT NULL DEFAULT ''"],
    ['period_started_at_ms', 'INTEGER'],
    ['limit_status', "TEXT NOT NULL DEFAULT 'active'"],
  ];
  const missing = wanted.filter(([name]) => !keyColumns.has(name));
  const totalsColumns = db.prepare('PRAGMA table_info(key_totals)').all() as Array<{ name: string }>;
  const usedMissing = !totalsColumns.some((column) => column.name === 'period_used_bytes');
  if (missing.length === 0 && !usedMissing) return;
  inTransaction(db, () => {
    for (const [name, type] of missing) db.exec(`ALTER TABLE keys ADD COLUMN ${name} ${type}`);
    if (usedMissing) db.exec('ALTER TABLE key_totals ADD COLUMN period_used_bytes INTEGER NOT NULL DEFAULT 0');
  });
}

/** The key_totals columns of the current day's row, as addCurrentDays adds them. */
const CURRENT_DAY_COLUMNS: ReadonlyArray<[string, string]> = [
  ['day', 'TEXT'],
  ['day_rx_bytes', 'INTEGER NOT NULL DEFAULT 0'],
  ['day_tx_bytes', 'INTEGER NOT NULL DEFAULT 0'],
  ['day_max_connections', 'INTEGER NOT NULL DEFAULT 0'],
  ['day_sessions', 'INTEGER NOT NULL DEFAULT 0'],
];

/** The rows of the day of each key (key_totals' day columns), shaped as daily_traffic's: what readers of days read beside it. */
export const CURRENT_DAYS_VIEW = 'current_day_traffic';

/**
 * The current day's row of each key lives on key_totals (day, day_*). Databases from before hold
 * it, and any rows of earlier days not yet added to the days, in a today_traffic table: each key's
 * latest of those that daily_traffic does not hold moves onto key_totals, every other row is added
 * into daily_traffic (a (key, day) in one place only), and the table goes, in one transaction.
 */
function addCurrentDays(db: DatabaseSync): void {
  const columns = new Set((db.prepare('PRAGMA table_info(key_totals)').all() as Array<{ name: string }>).map((column) => column.name));
  const missing = CURRENT_DAY_COLUMNS.filter(([name]) => !columns.has(name));
  const oldTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'today_traffic'").get() !== undefined;
  if (missing.length > 0 || oldTable) {
    inTransaction(db, () => {
      for (const [name, type] of missing) db.exec(`ALTER TABLE key_totals ADD COLUMN ${name} ${type}`);
      if (oldTable) moveTodayTraffic(db);
    });
  }
  db.exec(`CREATE VIEW IF NOT EXISTS ${CURRENT_DAYS_VIEW} AS
    SELECT key_id, day, day_rx_bytes AS rx_bytes, day_tx_bytes AS tx_bytes, day_max_connections AS max_connections, day_sessions AS sessions
    FROM key_totals WHERE day IS NOT NULL`);
}

/** today_traffic's rows onto key_totals (each key's latest day that daily_traffic lacks) or into daily_traffic; then the table goes. */
function moveTodayTraffic(db: DatabaseSync): void {
  db.exec(`
      UPDATE key_totals SET day = (
        SELECT MAX(t.day) FROM today_traffic t
        WHERE t.key_id = key_totals.key_id AND NOT EXISTS (SELECT 1 FROM daily_traffic d WHERE d.key_id = t.key_id AND d.day = t.day)
      ) WHERE day IS NULL;
      UPDATE key_totals SET
        day_rx_bytes = day_rx_bytes + t.rx_bytes, day_tx_bytes = day_tx_bytes + t.tx_bytes,
        day_max_connections = MAX(day_max_connections, t.max_connections), day_sessions = day_sessions + t.sessions
      FROM today_traffic t WHERE t.key_id = key_totals.key_id AND t.day = key_totals.day;
      INSERT INTO daily_traffic (key_id, day, rx_bytes, tx_bytes, max_connections, sessions)
      SELECT key_id, day, rx_bytes, tx_bytes, max_connections, sessions FROM today_traffic t
      WHERE NOT EXISTS (SELECT 1 FROM key_totals k WHERE k.key_id = t.key_id AND k.day = t.day)
        AND EXISTS (SELECT 1 FROM keys WHERE id = t.key_id)
      ON CONFLICT (key_id, day) DO UPDATE SET
        rx_bytes = rx_bytes + excluded.rx_bytes, tx_bytes = tx_bytes + excluded.tx_bytes,
        max_connections = MAX(max_connections, excluded.max_connections), sessions = sessions + excluded.sessions;
      DROP TABLE today_traffic;`);
}

/**
 * Each key's subscription token and bundle: the links of the person's other servers (a JSON array)
 * and their usage there (JSON, BundleUsage's figures; NULL when none was pushed, as in databases
 * from before it, which get the column here). Keys of older databases, and any key stored without
 * a row, get a token here at every open.
 */
function addKeySubscriptions(db: DatabaseSync): void {
  db.exec(`CREATE TABLE IF NOT EXISTS key_subscriptions (
    key_id TEXT PRIMARY KEY REFERENCES keys(id) ON DELETE CASCADE,
    token  TEXT NOT NULL UNIQUE,
    links  TEXT NOT NULL DEFAULT '[]',
    usage  TEXT
  ) WITHOUT ROWID`);
  const columns = db.prepare('PRAGMA table_info(key_subscriptions)').all() as Array<{ name: string }>;
  if (!columns.some((column) => column.name === 'usage')) db.exec('ALTER TABLE key_subscriptions ADD COLUMN usage TEXT');
  const missing = db.prepare('SELECT id FROM keys WHERE id NOT IN (SELECT key_id FROM key_subscriptions)').all() as Array<{ id: string }>;
  if (missing.length === 0) return;
  const insert = db.prepare('INSERT INTO key_subscriptions (key_id, token) VALUES (?, ?)');
  inTransaction(db, () => {
    for (const { id } of missing) insert.run(id, newSubscriptionToken());
  });
}

/**
 * Older databases hold the ipset baselines as a port_baselines row per port, or before that as
 * `ipset:KIND:PORT` rows of counter_baselines: packed into their blocks over what a block holds
 * already (a counter_baselines row over a port_baselines one, as the move to port_baselines had
 * it), then deleted, in one transaction.
 */
function packPortBaselines(db: DatabaseSync): void {
  const moving = "counter_id GLOB 'ipset:*'";
  const hasRows = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'port_baselines'").get() !== undefined;
  const ids = db.prepare(`SELECT counter_id, value FROM counter_baselines WHERE ${moving}`).all() as Array<{ counter_id: string; value: number }>;
  if (!hasRows && ids.length === 0) return;
  inTransaction(db, () => {
    const blocks = new Map<number, Float64Array>();
    const selectBlock = db.prepare('SELECT counters FROM port_baseline_blocks WHERE first_port = ?');
    const keep = (port: number, kind: number, value: number | null) => {
      if (value === null || !Number.isInteger(port) || port < 0 || port > 65535) return;
      const first = blockOf(port);
      let values = blocks.get(first);
      if (!values) {
        const stored = selectBlock.get(first) as { counters: Uint8Array } | undefined;
        blocks.set(first, (values = stored ? decodeBlock(stored.counters) : emptyBlock()));
      }
      values[slotOf(port, kind)] = value;
    };
    if (hasRows) {
      for (const row of db.prepare('SELECT port, rx, tx, syn FROM port_baselines').all() as Array<{ port: number; rx: number | null; tx: number | null; syn: number | null }>) {
        [row.rx, row.tx, row.syn].forEach((value, kind) => keep(row.port, kind, value));
      }
    }
    for (const { counter_id: counterId, value } of ids) {
      const counter = ipsetCounterOf(counterId);
      if (counter) keep(counter.port, counter.kind, value);
    }
    const putBlock = db.prepare('INSERT INTO port_baseline_blocks (first_port, counters) VALUES (?, ?) ON CONFLICT (first_port) DO UPDATE SET counters = excluded.counters');
    for (const [first, values] of blocks) putBlock.run(first, encodeBlock(values));
    db.exec(`DELETE FROM counter_baselines WHERE ${moving}`);
    if (hasRows) db.exec('DROP TABLE port_baselines');
  });
}

/**
 * The tables every database of ours has, whatever its age: what a backup must hold to be restored.
 * Raw samples are not among them: older databases hold traffic_samples, newer ones
 * traffic_sample_cycles (made at open when missing), and a database whose old rows aged out has
 * dropped traffic_samples.
 */
export const REQUIRED_TABLES = ['keys', 'key_totals', 'daily_traffic', 'counter_baselines'] as const;

/** The raw samples' table of databases from before traffic_sample_cycles, dropped once its rows aged out. */
export const LEGACY_SAMPLES_TABLE = 'traffic_samples';

/** `PRAGMA quick_check` found damage, or SQLite could not read the file as a database at all. */
export class DatabaseDamagedError extends Error {
  readonly path: string;
  /** What SQLite said: quick_check's findings, or why it could not read the file. */
  readonly finding: string;

  constructor(path: string, finding: string) {
    super(`the database ${path} is damaged: ${finding}`);
    this.path = path;
    this.finding = finding;
  }
}

/** Throws DatabaseDamagedError unless SQLite reads the whole file as sound. */
export function checkIntegrity(db: DatabaseSync, path: string): void {
  let findings: string[];
  try {
    findings = (db.prepare('PRAGMA quick_check(5)').all() as Array<Record<string, string>>).map((row) => String(Object.values(row)[0]));
  } catch (error) {
    throw new DatabaseDamagedError(path, (error as Error).message);
  }
  if (findings.length !== 1 || findings[0] !== 'ok') {
    throw new DatabaseDamagedError(path, findings.map((finding) => finding.replace(/\s*\n\s*/g, ' ')).join('; '));
  }
}

/**
 * Runs `work` in one transaction: all of it is written, or none of it. Some failures (SQLITE_FULL,
 * SQLITE_IOERR) end the transaction inside SQLite already; then there is nothing to roll back, and
 * the error that says why is the one that leaves, never the ROLLBACK's "no transaction is active".
 */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    // isTransaction is Node >= 22.16; before it, try the ROLLBACK and keep the first error anyway.
    if (db.isTransaction ?? true) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // The original error stays the cause; SQLite has rolled back by itself when this fails.
      }
    }
    throw error;
  }
}

/** A store's statements by name, each prepared once. */
export type Statements<T extends Readonly<Record<string, string>>> = { readonly [K in keyof T]: StatementSync };

export function prepareAll<const T extends Readonly<Record<string, string>>>(db: DatabaseSync, sql: T): Statements<T> {
  return Object.fromEntries(Object.entries(sql).map(([name, text]) => [name, db.prepare(text)])) as Statements<T>;
}
