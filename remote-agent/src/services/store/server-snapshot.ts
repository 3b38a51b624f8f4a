import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SNAPSHOT_REALITY_TABLE } from '../../api/backup.ts';
import type { RealityKeys } from '../xray/reality-keys.ts';
import { copyDatabase } from './database-backups.ts';

/**
 * Writes a snapshot of `source` (the live database, or a daily backup opened read-only) to a new
 * file in `dir`: SQLite's online copy, consistent while the agent writes, with the server's Reality
 * keys added in SNAPSHOT_REALITY_TABLE. The caller removes the file once it is sent.
 */
export async function writeServerSnapshot(source: DatabaseSync, dir: string, realityKeys: RealityKeys): Promise<string> {
  const path = join(dir, `snapshot-${randomBytes(6).toString('hex')}.db`);
  try {
    await copyDatabase(source, path);
    const copy = new DatabaseSync(path);
    try {
      copy.exec(`CREATE TABLE ${SNAPSHOT_REALITY_TABLE} (private_key TEXT NOT NULL, public_key TEXT NOT NULL, short_ids TEXT NOT NULL)`);
      copy
        .prepare(`INSERT INTO ${SNAPSHOT_REALITY_TABLE} VALUES (?, ?, ?)`)
        .run(realityKeys.privateKey, realityKeys.publicKey, JSON.stringify(realityKeys.shortIds));
    } finally {
      copy.close();
    }
    return path;
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}
