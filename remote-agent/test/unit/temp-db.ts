import { mkdtempSync, rmSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openDatabase } from '../../src/services/store/database.ts';

/** A fresh SQLite file in a temp dir, removed after the enclosing suite. */
export function tempDatabase(): { db: DatabaseSync; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'keyport-unit-'));
  const path = join(dir, 'agent.db');
  const db = openDatabase(path);
  after(() => {
    if (db.isOpen) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, path };
}

export const rowCount = (db: DatabaseSync, table: string): number =>
  Number(db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get()!.n);
