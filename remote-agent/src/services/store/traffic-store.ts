import type { DatabaseSync } from 'node:sqlite';
import { CURRENT_DAYS_VIEW, inTransaction, prepareAll, type Statements } from './database.ts';
import { BLOCK_PORTS, blockOf, decodeBlock, emptyBlock, encodeBlock, isEmptyBlock, slotOf } from './port-baseline-blocks.ts';
import type { KeySample } from './sample-cycles.ts';
import { SampleStore, type StoredSample } from './sample-store.ts';

/** What one sampling cycle saw for one key: deltas since the previous cycle. */
export interface KeyCycleDelta {
  keyId: string;
  rxBytes: number;
  txBytes: number;
  newConnections: number;
  /** Established connections now; raises the day's max_connections. */
  connections: number;
}

/** An ipset port's counters that changed (rx, tx, syn), null where one did not and keeps its value. */
export type PortBaselineChange = [port: number, rx: number | null, tx: number | null, syn: number | null];

export interface CycleRecord {
  atMs: number;
  day: string;
  deltas: KeyCycleDelta[];
  /** Firewall counters whose raw value changed, to persist as the new baseline. */
  baselines: Map<string, number>;
  /** The same for ipset counters read by port (the sampler's form), in port order. */
  portBaselines?: readonly PortBaselineChange[];
}

export interface KeyTotals {
  liveRxBytes: number;
  liveTxBytes: number;
  totalRxBytes: number;
  totalTxBytes: number;
  totalConnections: number;
  lastActivityMs: number | null;
}

export interface DayUsage {
  day: string;
  rxBytes: number;
  txBytes: number;
  maxConnections: number;
  sessions: number;
}

export interface PeriodUsage {
  rxBytes: number;
  txBytes: number;
  maxConnections: number;
  sessions: number;
}

/** One key's days as rows of the bulk read: [day, rx_bytes, tx_bytes, max_connections, sessions]. */
export type DayRowTuple = [day: string, rxBytes: number, txBytes: number, maxConnections: number, sessions: number];

/** One page of daily rows of all keys, grouped by key in (key_id, day) order. */
export interface DaysPage {
  /** Each key's days as the JSON text of a DayRowTuple array, oldest first. */
  keys: Array<{ keyId: string; daysJson: string }>;
  rows: number;
  /** The last (key_id, day) of this page when it was full: more may follow. */
  last: { keyId: string; day: string } | null;
}

export interface DaySummary {
  rxBytes: number;
  txBytes: number;
  totalConnections: number;
  activeKeys: number;
  sessions: number;
}

interface TotalsRow {
  key_id: string;
  live_rx_bytes: number;
  live_tx_bytes: number;
  total_rx_bytes: number;
  total_tx_bytes: number;
  total_connections: number;
  last_activity_ms: number | null;
}

interface UsageRow {
  key_id: string;
  day: string;
  rx_bytes: number;
  tx_bytes: number;
  max_connections: number;
  sessions: number;
}

const toTotals = (row: TotalsRow): KeyTotals => ({
  liveRxBytes: row.live_rx_bytes,
  liveTxBytes: row.live_tx_bytes,
  totalRxBytes: row.total_rx_bytes,
  totalTxBytes: row.total_tx_bytes,
  totalConnections: row.total_connections,
  lastActivityMs: row.last_activity_ms,
});

const toUsage = (row: UsageRow): DayUsage & PeriodUsage => ({
  day: row.day,
  rxBytes: row.rx_bytes,
  txBytes: row.tx_bytes,
  maxConnections: row.max_connections,
  sessions: row.sessions,
});

export const EMPTY_TOTALS: KeyTotals = {
  liveRxBytes: 0,
  liveTxBytes: 0,
  totalRxBytes: 0,
  totalTxBytes: 0,
  totalConnections: 0,
  lastActivityMs: null,
};

/** Adds one day's rows (key_id, day, rx_bytes, tx_bytes, max_connections, sessions from `select`) into daily_traffic. */
const addIntoDays = (select: string) => `
    INSERT INTO daily_traffic (key_id, day, rx_bytes, tx_bytes, max_connections, sessions)
    ${select}
    ON CONFLICT (key_id, day) DO UPDATE SET
      rx_bytes = rx_bytes + excluded.rx_bytes, tx_bytes = tx_bytes + excluded.tx_bytes,
      max_connections = MAX(max_connections, excluded.max_connections), sessions = sessions + excluded.sessions`;

const CLEAR_DAY = 'day = NULL, day_rx_bytes = 0, day_tx_bytes = 0, day_max_connections = 0, day_sessions = 0';
const DAY_COLUMNS = 'key_id, day, day_rx_bytes, day_tx_bytes, day_max_connections, day_sessions';

const TRAFFIC_SQL = {
  // Positional parameters: node:sqlite binds a named-parameter object several times slower, and
  // a cycle where every key moved runs this 10,000 times. One row per key: its totals and its row
  // of the day, when the key's day is this one or it has none and daily_traffic holds none either.
  addCycle: `
    UPDATE key_totals SET
      live_rx_bytes = live_rx_bytes + ?1, live_tx_bytes = live_tx_bytes + ?2,
      total_rx_bytes = total_rx_bytes + ?1, total_tx_bytes = total_tx_bytes + ?2,
      total_connections = total_connections + ?3, period_used_bytes = period_used_bytes + ?1 + ?2,
      last_activity_ms = CASE WHEN ?1 + ?2 > 0 THEN ?4 ELSE last_activity_ms END,
      day = ?6, day_rx_bytes = day_rx_bytes + ?1, day_tx_bytes = day_tx_bytes + ?2,
      day_max_connections = MAX(day_max_connections, ?7), day_sessions = day_sessions + ?3
    WHERE key_id = ?5 AND (day = ?6 OR (day IS NULL AND NOT EXISTS (SELECT 1 FROM daily_traffic WHERE key_id = ?5 AND day = ?6)))`,
  // The rest, rare: the totals alone, and the day added into daily_traffic (that day is there
  // already: the clock went back), or a key whose row holds another day, added into the days first.
  addTotals: `
    UPDATE key_totals SET
      live_rx_bytes = live_rx_bytes + ?1, live_tx_bytes = live_tx_bytes + ?2,
      total_rx_bytes = total_rx_bytes + ?1, total_tx_bytes = total_tx_bytes + ?2,
      total_connections = total_connections + ?3, period_used_bytes = period_used_bytes + ?1 + ?2,
      last_activity_ms = CASE WHEN ?1 + ?2 > 0 THEN ?4 ELSE last_activity_ms END
    WHERE key_id = ?5`,
  // With addCycle's parameters.
  addToPastDay: addIntoDays('SELECT ?5, ?6, ?1, ?2, ?7, ?3 WHERE EXISTS (SELECT 1 FROM keys WHERE id = ?5)'),
  foldKeyDay: addIntoDays(`SELECT ${DAY_COLUMNS} FROM key_totals WHERE key_id = ?1 AND day <> ?2`),
  clearKeyDay: `UPDATE key_totals SET ${CLEAR_DAY} WHERE key_id = ?1 AND day <> ?2`,
  otherDayPending: 'SELECT 1 FROM key_totals WHERE day <> ? LIMIT 1',
  foldDays: addIntoDays(`SELECT ${DAY_COLUMNS} FROM key_totals WHERE day <> ?1`),
  clearFolded: `UPDATE key_totals SET ${CLEAR_DAY} WHERE day <> ?1`,
  upsertBaseline: 'INSERT INTO counter_baselines (counter_id, value) VALUES (?, ?) ON CONFLICT (counter_id) DO UPDATE SET value = excluded.value',
  selectBaselines: 'SELECT counter_id, value FROM counter_baselines',
  selectBlock: 'SELECT counters FROM port_baseline_blocks WHERE first_port = ?',
  selectBlocks: 'SELECT first_port, counters FROM port_baseline_blocks',
  putBlock: 'INSERT INTO port_baseline_blocks (first_port, counters) VALUES (?, ?) ON CONFLICT (first_port) DO UPDATE SET counters = excluded.counters',
  deleteBlock: 'DELETE FROM port_baseline_blocks WHERE first_port = ?',
  deletePortBaselines: 'DELETE FROM counter_baselines WHERE counter_id GLOB ?',
  deleteBaseline: 'DELETE FROM counter_baselines WHERE counter_id = ?',
  selectTotals: 'SELECT * FROM key_totals WHERE key_id = ?',
  selectAllTotals: 'SELECT * FROM key_totals',
  // Keys outer in each table: one range seek per key, rows in (key_id, day) order with no sort,
  // whether since is a year ago or today; the days' rows and the current ones (a (key, day) is in
  // one of them only) are merged in that order by the compound ORDER BY. The cursor is the last
  // (key_id, day) of the page before. Each key's days leave as JSON text SQLite writes: building a JS array per
  // row, then stringifying it, took 4x as long (5.6 s against 1.4 s for a year of 10,000 keys).
  selectDaysSince: `
    SELECT key_id, COUNT(*) AS rows, MAX(day) AS last_day,
           json_group_array(json_array(day, rx_bytes, tx_bytes, max_connections, sessions) ORDER BY day) AS days_json
    FROM (
      SELECT k.id AS key_id, d.day, d.rx_bytes, d.tx_bytes, d.max_connections, d.sessions
      FROM keys k CROSS JOIN daily_traffic d ON d.key_id = k.id AND d.day >= :since
      WHERE k.id >= :after_key AND (k.id > :after_key OR d.day > :after_day)
      UNION ALL
      SELECT k.id AS key_id, d.day, d.rx_bytes, d.tx_bytes, d.max_connections, d.sessions
      FROM keys k CROSS JOIN ${CURRENT_DAYS_VIEW} d ON d.key_id = k.id AND d.day >= :since
      WHERE k.id >= :after_key AND (k.id > :after_key OR d.day > :after_day)
      ORDER BY 1, 2 LIMIT :limit
    )
    GROUP BY key_id ORDER BY key_id`,
  resetLive: 'UPDATE key_totals SET live_rx_bytes = 0, live_tx_bytes = 0 WHERE key_id = ?',
  // The history reset: lifetime totals and the current day; the live counters stay.
  resetTotals: `UPDATE key_totals SET total_rx_bytes = 0, total_tx_bytes = 0, total_connections = 0, ${CLEAR_DAY} WHERE key_id = ?`,
  deleteKeyDays: 'DELETE FROM daily_traffic WHERE key_id = ?',
  deleteDaysBefore: 'DELETE FROM daily_traffic WHERE day < ?',
  clearDaysBefore: `UPDATE key_totals SET ${CLEAR_DAY} WHERE day < ?`,
} as const;

/** The readers of days, the same over daily_traffic and over the current days (key_totals' day columns). */
const daySql = (table: 'daily_traffic' | typeof CURRENT_DAYS_VIEW) =>
  ({
    selectDays: `SELECT * FROM ${table} WHERE key_id = ? AND day BETWEEN ? AND ? ORDER BY day`,
    // CROSS JOIN keeps keys as the outer loop: one primary-key range seek per key, already grouped,
    // instead of the by-day index plus a sort (8x faster with a year of history). The current
    // days, a row per key at most, are read straight through instead.
    selectPeriod:
      table === 'daily_traffic'
        ? `
      SELECT k.id AS key_id, '' AS day, SUM(d.rx_bytes) AS rx_bytes, SUM(d.tx_bytes) AS tx_bytes,
             MAX(d.max_connections) AS max_connections, SUM(d.sessions) AS sessions
      FROM keys k CROSS JOIN ${table} d ON d.key_id = k.id AND d.day BETWEEN ? AND ?
      GROUP BY k.id`
        : `
      SELECT key_id, '' AS day, SUM(rx_bytes) AS rx_bytes, SUM(tx_bytes) AS tx_bytes,
             MAX(max_connections) AS max_connections, SUM(sessions) AS sessions
      FROM ${table} WHERE day BETWEEN ? AND ? GROUP BY key_id`,
    selectKeyPeriod: `
      SELECT key_id, '' AS day, SUM(rx_bytes) AS rx_bytes, SUM(tx_bytes) AS tx_bytes,
             MAX(max_connections) AS max_connections, SUM(sessions) AS sessions
      FROM ${table} WHERE key_id = ? AND day BETWEEN ? AND ? GROUP BY key_id`,
    selectDaySummary: `
      SELECT COALESCE(SUM(rx_bytes), 0) AS rx_bytes, COALESCE(SUM(tx_bytes), 0) AS tx_bytes,
             COALESCE(SUM(max_connections), 0) AS total_connections,
             COUNT(CASE WHEN rx_bytes + tx_bytes > 0 OR sessions > 0 THEN 1 END) AS active_keys,
             COALESCE(SUM(sessions), 0) AS sessions
      FROM ${table} WHERE day = ?`,
  }) as const;

/** Per-key usage of both tables added up: bytes and sessions add, max_connections is the peak. */
function addUsage(into: Map<string, PeriodUsage>, rows: readonly UsageRow[]): Map<string, PeriodUsage> {
  for (const row of rows) {
    // The entries are this call's own objects: adding in place allocates nothing per key.
    const before = into.get(row.key_id);
    if (!before) {
      into.set(row.key_id, toUsage(row));
      continue;
    }
    before.rxBytes += row.rx_bytes;
    before.txBytes += row.tx_bytes;
    before.maxConnections = Math.max(before.maxConnections, row.max_connections);
    before.sessions += row.sessions;
  }
  return into;
}

const IPSET_PREFIX = 'ipset:';
const PORT_COUNTER_KINDS = ['rx', 'tx', 'syn'] as const;
type PortCounterKind = (typeof PORT_COUNTER_KINDS)[number];
const KIND_COLUMN: Record<PortCounterKind, 0 | 1 | 2> = { rx: 0, tx: 1, syn: 2 };

interface DaysOfKeyRow {
  key_id: string;
  rows: number;
  last_day: string;
  days_json: string;
}

interface BlockRow {
  first_port: number;
  counters: Uint8Array;
}

/** `ipset:KIND:PORT` (a counter of port_baseline_blocks) as its parts; undefined for the ids counter_baselines keeps. */
function portCounterOf(counterId: string): { kind: PortCounterKind; port: number } | undefined {
  if (!counterId.startsWith(IPSET_PREFIX)) return undefined;
  const separator = counterId.indexOf(':', IPSET_PREFIX.length);
  const kind = counterId.slice(IPSET_PREFIX.length, separator) as PortCounterKind;
  const port = Number(counterId.slice(separator + 1));
  if (separator < 0 || !Object.hasOwn(KIND_COLUMN, kind) || !Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  return { kind, port };
}

/**
 * The deltas by key id: each write then lands next to the previous one in every index keyed by
 * key id (the days, the totals), instead of on a random page of each. The sampler passes them
 * sorted already; others may not.
 */
function inKeyOrder(deltas: readonly KeyCycleDelta[]): readonly KeyCycleDelta[] {
  for (let index = 1; index < deltas.length; index += 1) {
    if (deltas[index - 1]!.keyId > deltas[index]!.keyId) return [...deltas].sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0));
  }
  return deltas;
}

/** Traffic history: per-key totals, daily rows, raw samples and firewall counter baselines. */
export class TrafficStore {
  readonly #db: DatabaseSync;
  readonly #sql: Statements<typeof TRAFFIC_SQL>;
  readonly #samples: SampleStore;
  #foldedFor: string | undefined;
  /** The day readers over daily_traffic and over the current days (key_totals' day columns). */
  readonly #days: readonly [Statements<ReturnType<typeof daySql>>, Statements<ReturnType<typeof daySql>>];

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#sql = prepareAll(db, TRAFFIC_SQL);
    this.#samples = new SampleStore(db);
    this.#days = [prepareAll(db, daySql('daily_traffic')), prepareAll(db, daySql(CURRENT_DAYS_VIEW))];
  }

  /** Writes one sampling cycle in a single transaction: a crash loses the whole cycle or nothing. */
  recordCycle(cycle: CycleRecord): void {
    const { atMs, day } = cycle;
    const addCycle = this.#sql.addCycle;
    inTransaction(this.#db, () => {
      if (cycle.deltas.length > 0) this.#foldOtherDays(day);
      const samples: KeySample[] = [];
      for (const delta of inKeyOrder(cycle.deltas)) {
        const { keyId, rxBytes: rx, txBytes: tx, newConnections: sessions, connections } = delta;
        // A key's totals row lives and dies with it: when the update found it, the key exists.
        const exists = Number(addCycle.run(rx, tx, sessions, atMs, keyId, day, connections).changes) > 0 || this.#addElsewhere(delta, atMs, day);
        // The delta holds a sample's fields: no object of its own per key.
        if (rx + tx > 0 && exists) samples.push(delta);
      }
      this.#samples.write(atMs, samples);
      this.#writeBaselines(cycle.baselines, cycle.portBaselines ?? []);
    });
    // After the commit: a cycle rolled back leaves the fold to the next one.
    if (cycle.deltas.length > 0) this.#foldedFor = day;
  }

  /**
   * A delta the one-row update did not take: the key's row holds another day (added into
   * daily_traffic first), daily_traffic holds this day already (the clock went back), or the key
   * has no totals row. Answers whether the key's totals took it.
   */
  #addElsewhere(delta: KeyCycleDelta, atMs: number, day: string): boolean {
    const sql = this.#sql;
    const { keyId, rxBytes: rx, txBytes: tx, newConnections: sessions, connections } = delta;
    if (Number(sql.foldKeyDay.run(keyId, day).changes) > 0) {
      sql.clearKeyDay.run(keyId, day);
      if (Number(sql.addCycle.run(rx, tx, sessions, atMs, keyId, day, connections).changes) > 0) return true;
    }
    const exists = Number(sql.addTotals.run(rx, tx, sessions, atMs, keyId).changes) > 0;
    sql.addToPastDay.run(rx, tx, sessions, atMs, keyId, day, connections);
    return exists;
  }

  /**
   * Each key's row of the day is the one cycles write to (on key_totals: a cycle where every key
   * moved updates one row per key); rows of any other day are added into daily_traffic at the
   * store's first cycle of a day, in the cycle's transaction.
   */
  #foldOtherDays(day: string): void {
    // Only to spare the cycles of the day a fold each: #addElsewhere folds a key's other day
    // itself, so rows of another day written meanwhile (a restore, another store) cost one key's fold.
    if (this.#foldedFor === day) return;
    if (this.#sql.otherDayPending.get(day) !== undefined) {
      this.#sql.foldDays.run(day);
      this.#sql.clearFolded.run(day);
    }
  }

  #writeBaselines(baselines: ReadonlyMap<string, number>, portRows: readonly PortBaselineChange[]): void {
    const byPort = new Map<number, [rx: number | null, tx: number | null, syn: number | null]>();
    for (const [counterId, value] of baselines) {
      const counter = portCounterOf(counterId);
      if (!counter) {
        this.#sql.upsertBaseline.run(counterId, value);
        continue;
      }
      let row = byPort.get(counter.port);
      if (!row) byPort.set(counter.port, (row = [null, null, null]));
      row[KIND_COLUMN[counter.kind]] = value;
    }
    if (byPort.size === 0) {
      this.#writePortBaselines(portRows);
      return;
    }
    for (const [port, ...values] of portRows) {
      const row = byPort.get(port) ?? [null, null, null];
      byPort.set(port, [values[0] ?? row[0], values[1] ?? row[1], values[2] ?? row[2]]);
    }
    this.#writePortBaselines([...byPort].sort(([a], [b]) => a - b).map(([port, row]) => [port, ...row]));
  }

  /** Changes of ipset baselines (null: that counter keeps its value) into their blocks; in port order, each block is read and written once. */
  #writePortBaselines(changes: readonly PortBaselineChange[]): void {
    for (let index = 0; index < changes.length; ) {
      const first = blockOf(changes[index]![0]);
      const values = this.#block(first);
      for (; index < changes.length && blockOf(changes[index]![0]) === first; index += 1) {
        const change = changes[index]!;
        for (let kind = 0; kind < PORT_COUNTER_KINDS.length; kind += 1) {
          const value = change[kind + 1];
          if (value !== null && value !== undefined) values[slotOf(change[0], kind)] = value;
        }
      }
      this.#sql.putBlock.run(first, encodeBlock(values));
    }
  }

  /** The values of the block from `first`, as stored (none stored: a block without baselines). */
  #block(first: number): Float64Array {
    const row = this.#sql.selectBlock.get(first) as { counters: Uint8Array } | undefined;
    return row ? decodeBlock(row.counters) : emptyBlock();
  }

  loadBaselines(): Map<string, number> {
    const rows = this.#sql.selectBaselines.all() as Array<{ counter_id: string; value: number }>;
    const baselines = new Map(rows.map((row) => [row.counter_id, row.value]));
    for (const row of this.#sql.selectBlocks.iterate() as Iterable<BlockRow>) {
      decodeBlock(row.counters).forEach((value, slot) => {
        if (!Number.isNaN(value)) baselines.set(`${IPSET_PREFIX}${PORT_COUNTER_KINDS[Math.floor(slot / BLOCK_PORTS)]}:${row.first_port + (slot % BLOCK_PORTS)}`, value);
      });
    }
    return baselines;
  }

  /** Forgets these counters' baselines, by id (the tables' keys: no scan). */
  forgetBaselines(counterIds: readonly string[]): void {
    if (counterIds.length === 0) return;
    inTransaction(this.#db, () => {
      const blocks = new Map<number, Float64Array>();
      for (const counterId of counterIds) {
        const counter = portCounterOf(counterId);
        if (!counter) {
          this.#sql.deleteBaseline.run(counterId);
          continue;
        }
        const first = blockOf(counter.port);
        let values = blocks.get(first);
        if (!values) blocks.set(first, (values = this.#block(first)));
        values[slotOf(counter.port, KIND_COLUMN[counter.kind])] = Number.NaN;
      }
      for (const [first, values] of blocks) {
        if (isEmptyBlock(values)) this.#sql.deleteBlock.run(first);
        else this.#sql.putBlock.run(first, encodeBlock(values));
      }
    });
  }

  /** Forgets the baselines of the accounting of before: the iptables chains (`v4:…`, `v6:…`), the nftables table (`rx:…`). */
  forgetRetiredBaselines(): void {
    inTransaction(this.#db, () => {
      for (const pattern of ['v[46]:*', 'rx:*', 'tx:*', 'syn:*']) this.#sql.deletePortBaselines.run(pattern);
    });
  }

  totals(keyId: string): KeyTotals {
    const row = this.#sql.selectTotals.get(keyId) as unknown as TotalsRow | undefined;
    return row ? toTotals(row) : EMPTY_TOTALS;
  }

  allTotals(): Map<string, KeyTotals> {
    const rows = this.#sql.selectAllTotals.all() as unknown as TotalsRow[];
    return new Map(rows.map((row) => [row.key_id, toTotals(row)]));
  }

  days(keyId: string, firstDay = '0000-00-00', lastDay = '9999-99-99'): DayUsage[] {
    const [past, today] = this.#days.map((sql) => sql.selectDays.all(keyId, firstDay, lastDay) as unknown as UsageRow[]);
    const rows = today!.length === 0 ? past! : [...past!, ...today!].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    return rows.map(toUsage);
  }

  /**
   * Up to `limit` daily rows of every key from `since` on, after the (keyId, day) `after` in
   * (key_id, day) order, each key's days as the JSON text SQLite wrote.
   */
  daysSince(since: string, after: { keyId: string; day: string } | null, limit: number): DaysPage {
    const found = this.#sql.selectDaysSince.all({ since, after_key: after?.keyId ?? '', after_day: after?.day ?? '', limit }) as unknown as DaysOfKeyRow[];
    const rows = found.reduce((sum, key) => sum + key.rows, 0);
    const last = found.at(-1);
    return {
      keys: found.map((key) => ({ keyId: key.key_id, daysJson: key.days_json })),
      rows,
      last: rows === limit && last ? { keyId: last.key_id, day: last.last_day } : null,
    };
  }

  /** Per-key sums over [firstDay, lastDay]: bytes and sessions add up, max_connections is the peak. */
  period(firstDay: string, lastDay: string): Map<string, PeriodUsage> {
    const usage = new Map<string, PeriodUsage>();
    for (const sql of this.#days) addUsage(usage, sql.selectPeriod.all(firstDay, lastDay) as unknown as UsageRow[]);
    return usage;
  }

  keyPeriod(keyId: string, firstDay: string, lastDay: string): PeriodUsage | undefined {
    const usage = new Map<string, PeriodUsage>();
    for (const sql of this.#days) {
      const row = sql.selectKeyPeriod.get(keyId, firstDay, lastDay) as unknown as UsageRow | undefined;
      if (row) addUsage(usage, [row]);
    }
    return usage.get(keyId);
  }

  /** A (key, day) is a row of one table only, so the two tables' sums and counts add up. */
  daySummary(day: string): DaySummary {
    const summary: DaySummary = { rxBytes: 0, txBytes: 0, totalConnections: 0, activeKeys: 0, sessions: 0 };
    for (const sql of this.#days) {
      const row = sql.selectDaySummary.get(day) as { rx_bytes: number; tx_bytes: number; total_connections: number; active_keys: number; sessions: number };
      summary.rxBytes += row.rx_bytes;
      summary.txBytes += row.tx_bytes;
      summary.totalConnections += row.total_connections;
      summary.activeKeys += row.active_keys;
      summary.sessions += row.sessions;
    }
    return summary;
  }

  resetLive(keyId: string): void {
    this.#sql.resetLive.run(keyId);
  }

  /**
   * Clears a key's history: lifetime totals, daily rows and samples (those written so far are
   * hidden in their cycles' rows, no longer the key's, and go when the rows age out). Live counters stay.
   */
  resetHistory(keyId: string): void {
    inTransaction(this.#db, () => {
      this.#sql.resetTotals.run(keyId);
      this.#sql.deleteKeyDays.run(keyId);
      this.#samples.forgetKey(keyId);
    });
  }

  /**
   * Deletes daily rows before `firstKeptDay` and samples before `firstKeptMs`; returns the day rows
   * and the per-key samples deleted.
   */
  cleanup(firstKeptDay: string, firstKeptMs: number): { days: number; samples: number } {
    return inTransaction(this.#db, () => ({
      days: Number(this.#sql.deleteDaysBefore.run(firstKeptDay).changes) + Number(this.#sql.clearDaysBefore.run(firstKeptDay).changes),
      samples: this.#samples.deleteBefore(firstKeptMs),
    }));
  }

  pruneSamples(firstKeptMs: number): void {
    inTransaction(this.#db, () => this.#samples.deleteBefore(firstKeptMs));
  }

  /** A key's raw samples, oldest first: for checks and tests (it decodes every stored cycle). */
  samples(keyId: string): StoredSample[] {
    return this.#samples.keySamples(keyId);
  }
}
