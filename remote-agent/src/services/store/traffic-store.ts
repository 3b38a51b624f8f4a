import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { inTransaction } from './database.ts';

/** What one sampling cycle saw for one key: deltas since the previous cycle. */
export interface KeyCycleDelta {
  keyId: string;
  rxBytes: number;
  txBytes: number;
  newConnections: number;
  /** Established connections now; raises the day's max_connections. */
  connections: number;
}

export interface CycleRecord {
  atMs: number;
  day: string;
  deltas: KeyCycleDelta[];
  /** Firewall counters whose raw value changed, to persist as the new baseline. */
  baselines: Map<string, number>;
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

/** Traffic history: per-key totals, daily rows, raw samples and firewall counter baselines. */
export class TrafficStore {
  readonly #db: DatabaseSync;
  readonly #addTotals: StatementSync;
  readonly #upsertDay: StatementSync;
  readonly #insertSample: StatementSync;
  readonly #upsertBaseline: StatementSync;
  readonly #selectBaselines: StatementSync;
  readonly #deletePortBaselines: StatementSync;
  readonly #selectTotals: StatementSync;
  readonly #selectAllTotals: StatementSync;
  readonly #selectDays: StatementSync;
  readonly #selectPeriod: StatementSync;
  readonly #selectKeyPeriod: StatementSync;
  readonly #selectDaySummary: StatementSync;
  readonly #resetLive: StatementSync;
  readonly #resetTotals: StatementSync;
  readonly #deleteKeyDays: StatementSync;
  readonly #deleteKeySamples: StatementSync;
  readonly #deleteDaysBefore: StatementSync;
  readonly #deleteSamplesBefore: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#addTotals = db.prepare(`
      UPDATE key_totals SET
        live_rx_bytes = live_rx_bytes + :rx, live_tx_bytes = live_tx_bytes + :tx,
        total_rx_bytes = total_rx_bytes + :rx, total_tx_bytes = total_tx_bytes + :tx,
        total_connections = total_connections + :sessions,
        last_activity_ms = CASE WHEN :rx + :tx > 0 THEN :at ELSE last_activity_ms END
      WHERE key_id = :key`);
    this.#upsertDay = db.prepare(`
      INSERT INTO daily_traffic (key_id, day, rx_bytes, tx_bytes, max_connections, sessions)
      SELECT :key, :day, :rx, :tx, :connections, :sessions WHERE EXISTS (SELECT 1 FROM keys WHERE id = :key)
      ON CONFLICT (key_id, day) DO UPDATE SET
        rx_bytes = rx_bytes + excluded.rx_bytes, tx_bytes = tx_bytes + excluded.tx_bytes,
        max_connections = MAX(max_connections, excluded.max_connections),
        sessions = sessions + excluded.sessions`);
    this.#insertSample = db.prepare(`
      INSERT INTO traffic_samples (key_id, at_ms, rx_bytes, tx_bytes, connections)
      SELECT :key, :at, :rx, :tx, :connections WHERE EXISTS (SELECT 1 FROM keys WHERE id = :key)`);
    this.#upsertBaseline = db.prepare(
      'INSERT INTO counter_baselines (counter_id, value) VALUES (?, ?) ON CONFLICT (counter_id) DO UPDATE SET value = excluded.value',
    );
    this.#selectBaselines = db.prepare('SELECT counter_id, value FROM counter_baselines');
    this.#deletePortBaselines = db.prepare('DELETE FROM counter_baselines WHERE counter_id GLOB ?');
    this.#selectTotals = db.prepare('SELECT * FROM key_totals WHERE key_id = ?');
    this.#selectAllTotals = db.prepare('SELECT * FROM key_totals');
    this.#selectDays = db.prepare(
      'SELECT * FROM daily_traffic WHERE key_id = ? AND day BETWEEN ? AND ? ORDER BY day',
    );
    // CROSS JOIN keeps keys as the outer loop: one primary-key range seek per key, already grouped,
    // instead of the by-day index plus a sort (8x faster with a year of history).
    this.#selectPeriod = db.prepare(`
      SELECT k.id AS key_id, '' AS day, SUM(d.rx_bytes) AS rx_bytes, SUM(d.tx_bytes) AS tx_bytes,
             MAX(d.max_connections) AS max_connections, SUM(d.sessions) AS sessions
      FROM keys k CROSS JOIN daily_traffic d ON d.key_id = k.id AND d.day BETWEEN ? AND ?
      GROUP BY k.id`);
    this.#selectKeyPeriod = db.prepare(`
      SELECT key_id, '' AS day, SUM(rx_bytes) AS rx_bytes, SUM(tx_bytes) AS tx_bytes,
             MAX(max_connections) AS max_connections, SUM(sessions) AS sessions
      FROM daily_traffic WHERE key_id = ? AND day BETWEEN ? AND ? GROUP BY key_id`);
    this.#selectDaySummary = db.prepare(`
      SELECT COALESCE(SUM(rx_bytes), 0) AS rx_bytes, COALESCE(SUM(tx_bytes), 0) AS tx_bytes,
             COALESCE(SUM(max_connections), 0) AS total_connections,
             COUNT(CASE WHEN rx_bytes + tx_bytes > 0 OR sessions > 0 THEN 1 END) AS active_keys,
             COALESCE(SUM(sessions), 0) AS sessions
      FROM daily_traffic WHERE day = ?`);
    this.#resetLive = db.prepare('UPDATE key_totals SET live_rx_bytes = 0, live_tx_bytes = 0 WHERE key_id = ?');
    this.#resetTotals = db.prepare(
      'UPDATE key_totals SET total_rx_bytes = 0, total_tx_bytes = 0, total_connections = 0 WHERE key_id = ?',
    );
    this.#deleteKeyDays = db.prepare('DELETE FROM daily_traffic WHERE key_id = ?');
    this.#deleteKeySamples = db.prepare('DELETE FROM traffic_samples WHERE key_id = ?');
    this.#deleteDaysBefore = db.prepare('DELETE FROM daily_traffic WHERE day < ?');
    this.#deleteSamplesBefore = db.prepare('DELETE FROM traffic_samples WHERE at_ms < ?');
  }

  /** Writes one sampling cycle in a single transaction: a crash loses the whole cycle or nothing. */
  recordCycle(cycle: CycleRecord): void {
    inTransaction(this.#db, () => {
      for (const delta of cycle.deltas) {
        const moved = delta.rxBytes + delta.txBytes + delta.newConnections > 0;
        const values = {
          key: delta.keyId,
          day: cycle.day,
          at: cycle.atMs,
          rx: delta.rxBytes,
          tx: delta.txBytes,
          sessions: delta.newConnections,
          connections: delta.connections,
        };
        if (moved) {
          const { day: _day, connections: _connections, ...totals } = values;
          this.#addTotals.run(totals);
        }
        const { at: _at, ...dayValues } = values;
        this.#upsertDay.run(dayValues);
        if (delta.rxBytes + delta.txBytes > 0) {
          const { day: _day, sessions: _sessions, ...sample } = values;
          this.#insertSample.run(sample);
        }
      }
      for (const [counterId, value] of cycle.baselines) this.#upsertBaseline.run(counterId, value);
    });
  }

  loadBaselines(): Map<string, number> {
    const rows = this.#selectBaselines.all() as Array<{ counter_id: string; value: number }>;
    return new Map(rows.map((row) => [row.counter_id, row.value]));
  }

  /** Forgets the baselines of ports (in one family, or all) whose rules are being (re)created from zero. */
  forgetPortBaselines(ports: readonly number[], family?: string): void {
    inTransaction(this.#db, () => {
      // Counter ids are `kind:port`, or `family:kind:port` for the iptables chains of before.
      for (const port of ports) this.#deletePortBaselines.run(family === undefined ? `*:${port}` : `${family}:*:${port}`);
    });
  }

  /** Forgets the baselines of the iptables chains of before, keyed `v4:…` and `v6:…`. */
  forgetFamilyBaselines(): void {
    this.#deletePortBaselines.run('v[46]:*');
  }

  totals(keyId: string): KeyTotals {
    const row = this.#selectTotals.get(keyId) as unknown as TotalsRow | undefined;
    return row ? toTotals(row) : EMPTY_TOTALS;
  }

  allTotals(): Map<string, KeyTotals> {
    const rows = this.#selectAllTotals.all() as unknown as TotalsRow[];
    return new Map(rows.map((row) => [row.key_id, toTotals(row)]));
  }

  days(keyId: string, firstDay = '0000-00-00', lastDay = '9999-99-99'): DayUsage[] {
    return (this.#selectDays.all(keyId, firstDay, lastDay) as unknown as UsageRow[]).map(toUsage);
  }

  /** Per-key sums over [firstDay, lastDay]: bytes and sessions add up, max_connections is the peak. */
  period(firstDay: string, lastDay: string): Map<string, PeriodUsage> {
    const rows = this.#selectPeriod.all(firstDay, lastDay) as unknown as UsageRow[];
    return new Map(rows.map((row) => [row.key_id, toUsage(row)]));
  }

  keyPeriod(keyId: string, firstDay: string, lastDay: string): PeriodUsage | undefined {
    const row = this.#selectKeyPeriod.get(keyId, firstDay, lastDay) as unknown as UsageRow | undefined;
    return row && toUsage(row);
  }

  daySummary(day: string): DaySummary {
    const row = this.#selectDaySummary.get(day) as {
      rx_bytes: number;
      tx_bytes: number;
      total_connections: number;
      active_keys: number;
      sessions: number;
    };
    return {
      rxBytes: row.rx_bytes,
      txBytes: row.tx_bytes,
      totalConnections: row.total_connections,
      activeKeys: row.active_keys,
      sessions: row.sessions,
    };
  }

  resetLive(keyId: string): void {
    this.#resetLive.run(keyId);
  }

  /** Clears a key's history: lifetime totals, daily rows and samples. Live counters stay. */
  resetHistory(keyId: string): void {
    inTransaction(this.#db, () => {
      this.#resetTotals.run(keyId);
      this.#deleteKeyDays.run(keyId);
      this.#deleteKeySamples.run(keyId);
    });
  }

  /** Deletes daily rows before `firstKeptDay` and samples before `firstKeptMs`; returns rows deleted. */
  cleanup(firstKeptDay: string, firstKeptMs: number): { days: number; samples: number } {
    return inTransaction(this.#db, () => ({
      days: Number(this.#deleteDaysBefore.run(firstKeptDay).changes),
      samples: Number(this.#deleteSamplesBefore.run(firstKeptMs).changes),
    }));
  }

  pruneSamples(firstKeptMs: number): void {
    this.#deleteSamplesBefore.run(firstKeptMs);
  }
}
