import { chmod, rename, rm, stat } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import type { Logger } from '../../lib/logger.ts';
import { StartRefusedError } from '../../lib/start-refused.ts';
import { copyDatabase } from './database-backups.ts';
import { checkIntegrity, DatabaseDamagedError, REQUIRED_TABLES } from './database.ts';
import { databaseCompanions, type DataDirLayout } from './data-dir-layout.ts';

/**
 * --restore-backup FILE: checks FILE (readable, quick_check, our tables), keeps the database it
 * replaces aside as keyport.db.replaced-TIME (with its -wal and -shm, which would otherwise be
 * replayed onto the backup), and puts a copy of FILE in its place. A refused file changes nothing.
 */
export async function restoreBackup(file: string, layout: DataDirLayout, log: Logger, now: () => number): Promise<void> {
  const keys = await checkBackup(file);
  const stamp = new Date(now()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  const aside = `${layout.database}.replaced-${stamp}`;
  const draft = `${layout.database}.restoring`;
  const source = new DatabaseSync(file, { readOnly: true });
  try {
    await copyDatabase(source, draft);
  } catch (error) {
    await rm(draft, { force: true });
    throw error;
  } finally {
    source.close();
  }
  const movedAside: string[] = [];
  for (const [from, to] of [
    [layout.database, aside],
    ...databaseCompanions(layout.database).map((companion, index) => [companion, `${aside}${['-wal', '-shm'][index]}`]),
  ] as Array<[string, string]>) {
    if (await exists(from)) {
      await rename(from, to);
      await chmod(to, 0o600);
      movedAside.push(to);
    }
  }
  await rename(draft, layout.database);
  const kept = movedAside.length > 0 ? `the database it replaced is kept as ${movedAside[0]}` : 'there was no database to replace';
  log.warn(`restored the database from ${file} (${keys} key(s)); ${kept}`);
}

/** The number of keys in a backup that can be restored; StartRefusedError saying why otherwise. */
export async function checkBackup(file: string): Promise<number> {
  const refuse = (why: string) =>
    new StartRefusedError(`--restore-backup ${file}: ${why}; nothing was changed, the agent did not start`);
  const size = await stat(file).then(
    (info) => (info.isFile() ? info.size : -1),
    (error: Error) => {
      throw refuse(`cannot read it (${error.message})`);
    },
  );
  if (size <= 0) throw refuse(size === 0 ? 'the file is empty' : 'not a file');
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file, { readOnly: true });
    checkIntegrity(db, file);
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((row) => row.name));
    const missing = REQUIRED_TABLES.filter((table) => !tables.has(table));
    if (missing.length > 0) throw refuse(`not a Keyport agent database (no table ${missing.join(', ')})`);
    return Number((db.prepare('SELECT COUNT(*) AS n FROM keys').get() as { n: number }).n);
  } catch (error) {
    if (error instanceof StartRefusedError) throw error;
    throw refuse(error instanceof DatabaseDamagedError ? `damaged or not a database (${error.finding})` : (error as Error).message);
  } finally {
    db?.close();
  }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );
