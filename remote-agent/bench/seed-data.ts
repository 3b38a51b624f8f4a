import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { inTransaction, openDatabase } from '../src/services/store/database.ts';

export const FIRST_PORT = 10001;

export interface SeededKey {
  id: string;
  uuid: string;
  port: number;
}

export interface SeedOptions {
  keys: number;
  /** Days (YYYY-MM-DD) that get a daily_traffic row for every key. */
  days?: readonly string[];
  /** Which keys used which days; every key every day when absent. */
  usedOn?: (keyIndex: number, dayIndex: number) => boolean;
}

const CREATED_AT_MS = Date.UTC(2025, 6, 1);
const LAST_ACTIVITY_MS = Date.UTC(2025, 7, 31, 12);

/** Seeds the agent's database in `dataDir` (created like the agent does it) and closes it again. */
export function seedDataDir(dataDir: string, options: SeedOptions): SeededKey[] {
  const db = openDatabase(join(dataDir, 'keyport.db'));
  try {
    return seedDatabase(db, options);
  } finally {
    db.close();
  }
}

/** N keys on ports 10001.., each with a key_totals row and a daily row per given day it used, in one transaction. */
export function seedDatabase(db: DatabaseSync, { keys: count, days = [], usedOn = () => true }: SeedOptions): SeededKey[] {
  const keys = Array.from({ length: count }, (_, index) => ({
    id: randomUUID(),
    uuid: randomUUID(),
    port: FIRST_PORT + index,
  }));
  const insertKey = db.prepare(
    'INSERT INTO keys (id, name, uuid, port, is_active, created_at_ms) VALUES (?, ?, ?, ?, 1, ?)',
  );
  const insertTotals = db.prepare(
    'INSERT INTO key_totals (key_id, total_rx_bytes, total_tx_bytes, total_connections, last_activity_ms) VALUES (?, ?, ?, ?, ?)',
  );
  const insertDay = db.prepare(
    'INSERT INTO daily_traffic (key_id, day, rx_bytes, tx_bytes, max_connections, sessions) VALUES (?, ?, ?, ?, ?, ?)',
  );
  inTransaction(db, () => {
    keys.forEach((key, index) => {
      insertKey.run(key.id, `bench-key-${index + 1}`, key.uuid, key.port, CREATED_AT_MS + index);
      insertTotals.run(key.id, bytesFor(index, 1), bytesFor(index, 2), index % 97, LAST_ACTIVITY_MS);
      days.forEach((day, dayIndex) => {
        if (usedOn(index, dayIndex)) insertDay.run(key.id, day, bytesFor(index, dayIndex + 3), bytesFor(index, dayIndex + 5), (index + dayIndex) % 13, dayIndex % 29);
      });
    });
  });
  return keys;
}

/** Every day of a YYYY-MM month. */
export function daysOfMonth(yearMonth: string): string[] {
  const [year, month] = yearMonth.split('-').map(Number) as [number, number];
  const count = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return Array.from({ length: count }, (_, index) => `${yearMonth}-${String(index + 1).padStart(2, '0')}`);
}

// Varied, repeatable byte counts, so the formatted sizes in responses are realistic lengths.
const bytesFor = (keyIndex: number, salt: number) => ((keyIndex + 1) * 7_919 * salt * 104_729) % 5_000_000_000;
