import type { DatabaseSync } from 'node:sqlite';
import { LEGACY_SAMPLES_TABLE, prepareAll, type Statements } from './database.ts';
import { decodeSamples, encodeSamples, type KeySample } from './sample-cycles.ts';

export interface StoredSample extends KeySample {
  atMs: number;
}

const SAMPLE_SQL = {
  insertCycle: 'INSERT INTO traffic_sample_cycles (at_ms, samples, data) VALUES (?, ?, ?)',
  deleteCyclesBefore: 'DELETE FROM traffic_sample_cycles WHERE at_ms < ? RETURNING samples',
  // The id of the newest row: every row written later gets a higher one (AUTOINCREMENT).
  hideKeySamples: 'UPDATE key_totals SET samples_through_cycle = (SELECT COALESCE(MAX(id), 0) FROM traffic_sample_cycles) WHERE key_id = ?',
  selectCycles: 'SELECT id, at_ms, data FROM traffic_sample_cycles ORDER BY id',
  selectCutoff: 'SELECT samples_through_cycle AS through FROM key_totals WHERE key_id = ?',
  legacyExists: `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${LEGACY_SAMPLES_TABLE}'`,
} as const;

/**
 * The raw samples: one traffic_sample_cycles row per cycle, never rewritten. A key's samples are
 * its own while the key exists (ids are random UUIDs, never given again) and were written after
 * its last history reset; the rest stay in their rows, unreadable, until those age out.
 * traffic_samples, the row-per-sample table of older databases, is read and pruned beside them and
 * dropped once empty. Every method runs inside the caller's transaction where it writes.
 */
export class SampleStore {
  readonly #db: DatabaseSync;
  readonly #sql: Statements<typeof SAMPLE_SQL>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#sql = prepareAll(db, SAMPLE_SQL);
  }

  /** Writes one cycle's samples as one row (none when there are none). */
  write(atMs: number, samples: readonly KeySample[]): void {
    if (samples.length > 0) this.#sql.insertCycle.run(atMs, samples.length, encodeSamples(samples));
  }

  /** Hides the key's samples written so far (its history reset); the old table's rows of it are deleted. */
  forgetKey(keyId: string): void {
    this.#sql.hideKeySamples.run(keyId);
    if (this.#hasLegacy()) this.#db.prepare(`DELETE FROM ${LEGACY_SAMPLES_TABLE} WHERE key_id = ?`).run(keyId);
  }

  /**
   * Deletes the samples before `firstKeptMs` and returns how many per-key samples that was: each
   * row's count, which includes the samples a history reset or a key's deletion had hidden.
   */
  deleteBefore(firstKeptMs: number): number {
    let deleted = 0;
    for (const row of this.#sql.deleteCyclesBefore.all(firstKeptMs) as Array<{ samples: number }>) deleted += row.samples;
    if (this.#hasLegacy()) {
      deleted += Number(this.#db.prepare(`DELETE FROM ${LEGACY_SAMPLES_TABLE} WHERE at_ms < ?`).run(firstKeptMs).changes);
      if (!this.#db.prepare(`SELECT 1 FROM ${LEGACY_SAMPLES_TABLE} LIMIT 1`).get()) this.#db.exec(`DROP TABLE ${LEGACY_SAMPLES_TABLE}`);
    }
    return deleted;
  }

  /**
   * A key's samples, oldest first (from both tables). Nothing in the API reads samples; this
   * decodes every stored cycle, so it is for checks and tests, not for a request path.
   */
  keySamples(keyId: string): StoredSample[] {
    const cutoff = this.#sql.selectCutoff.get(keyId) as { through: number } | undefined;
    if (!cutoff) return [];
    const found: StoredSample[] = [];
    if (this.#hasLegacy()) {
      const rows = this.#db
        .prepare(`SELECT at_ms, rx_bytes, tx_bytes, connections FROM ${LEGACY_SAMPLES_TABLE} WHERE key_id = ? ORDER BY at_ms`)
        .all(keyId) as Array<{ at_ms: number; rx_bytes: number; tx_bytes: number; connections: number }>;
      for (const row of rows) found.push({ atMs: row.at_ms, keyId, rxBytes: row.rx_bytes, txBytes: row.tx_bytes, connections: row.connections });
    }
    for (const row of this.#sql.selectCycles.iterate() as Iterable<{ id: number; at_ms: number; data: Uint8Array }>) {
      if (row.id <= cutoff.through) continue;
      for (const sample of decodeSamples(row.data)) if (sample.keyId === keyId) found.push({ atMs: row.at_ms, ...sample });
    }
    return found;
  }

  #hasLegacy(): boolean {
    return this.#sql.legacyExists.get() !== undefined;
  }
}
