import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Logger } from '../../lib/logger.ts';
import { StartRefusedError } from '../../lib/start-refused.ts';
import { isKeyportTag } from '../xray/xray-config.ts';
import { listBackups } from './database-backups.ts';
import { DatabaseDamagedError, openDatabase } from './database.ts';
import { BACKUPS_DIR, databaseCompanions, type DataDirLayout } from './data-dir-layout.ts';

export interface OpenAgentDatabaseOptions {
  layout: DataDirLayout;
  /** --start-empty: a missing or empty database is meant, whatever the data dir shows. */
  startEmpty: boolean;
  log: Logger;
  now: () => number;
}

/**
 * Opens the agent's database, refusing (StartRefusedError, nothing changed) when it is damaged, or
 * when it is missing or empty while the data dir shows it held keys: an agent started on it would
 * drop every key's inbound from Xray's config and lose the history. A first start has none of
 * those signs and creates the database and its marker.
 */
export async function openAgentDatabase({ layout, startEmpty, log, now }: OpenAgentDatabaseOptions): Promise<DatabaseSync> {
  const state = await databaseState(layout.database);
  if (state !== 'holds tables') {
    const signs = await signsOfKeys(layout);
    if (signs.length > 0 && !startEmpty) throw new StartRefusedError(refusal(layout, state, signs));
    if (signs.length > 0) log.warn(`--start-empty: starting on ${state === 'missing' ? 'a new' : 'an empty'} database although ${signs.join('; ')}`);
    // SQLite would read the old database's pages from a -wal left beside a new one: keep them apart.
    await setCompanionsAside(layout.database, now);
  }
  let db: DatabaseSync;
  try {
    db = openDatabase(layout.database);
  } catch (error) {
    if (error instanceof DatabaseDamagedError) throw new StartRefusedError(damaged(error));
    throw error;
  }
  await writeFile(layout.marker, `${new Date(now()).toISOString()}\n`, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return db;
}

type DatabaseState = 'missing' | 'empty' | 'no tables' | 'holds tables';

/** What the file holds, read without changing it (openDatabase's quick_check comes after); unreadable is damaged. */
async function databaseState(path: string): Promise<DatabaseState> {
  const size = await stat(path).then(
    (info) => info.size,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    },
  );
  if (size === undefined) return 'missing';
  if (size === 0) return 'empty';
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    const tables = db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    return tables.n > 0 ? 'holds tables' : 'no tables';
  } catch (error) {
    throw new StartRefusedError(damaged(new DatabaseDamagedError(path, (error as Error).message)));
  } finally {
    db?.close();
  }
}

/** What in the data dir shows that a database with keys was here. */
async function signsOfKeys(layout: DataDirLayout): Promise<string[]> {
  const signs: string[] = [];
  const [wal] = databaseCompanions(layout.database);
  const walBytes = await stat(wal!).then(
    (info) => info.size,
    () => 0,
  );
  if (walBytes > 0) signs.push(`its write-ahead log ${wal} holds ${walBytes} bytes`);
  const created = await readFile(layout.marker, 'utf8').catch(() => undefined);
  if (created !== undefined) signs.push(`${layout.marker} says a database was created here (${created.trim() || 'no date'})`);
  const backups = await listBackups(layout.backupsDir);
  if (backups[0]) signs.push(`${backups.length} backup(s) of it are in ${layout.backupsDir}, the newest ${backups[0].path}`);
  const inbounds = await keyportInbounds(layout.xrayConfig);
  if (inbounds > 0) signs.push(`the Xray config ${layout.xrayConfig} serves ${inbounds} key(s) of ours`);
  return signs;
}

async function setCompanionsAside(database: string, now: () => number): Promise<void> {
  const stamp = new Date(now()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  for (const companion of databaseCompanions(database)) {
    const size = await stat(companion).then(
      (info) => info.size,
      () => 0,
    );
    if (size > 0) await rename(companion, `${companion}.stale-${stamp}`);
  }
}

async function keyportInbounds(configPath: string): Promise<number> {
  try {
    const config = JSON.parse(await readFile(configPath, 'utf8')) as { inbounds?: Array<{ tag?: unknown }> };
    return (config.inbounds ?? []).filter((inbound) => typeof inbound.tag === 'string' && isKeyportTag(inbound.tag)).length;
  } catch {
    return 0;
  }
}

function refusal(layout: DataDirLayout, state: DatabaseState, signs: string[]): string {
  const what = { missing: 'is missing', empty: 'is empty (0 bytes)', 'no tables': 'holds no tables' }[state as Exclude<DatabaseState, 'holds tables'>];
  return [
    `the database ${layout.database} ${what}, but the data dir shows it held keys: ${signs.join('; ')}.`,
    'Starting on it would remove every key from Xray and lose the traffic history, so the agent stopped and changed nothing.',
    `Restore a backup: keyport-agent --restore-backup ${layout.backupsDir}/keyport-YYYYMMDDTHHMMSSZ.db (with the same --data-dir);`,
    'or, to start with no keys on purpose: keyport-agent --start-empty.',
  ].join('\n');
}

function damaged(error: DatabaseDamagedError): string {
  return [
    `${error.message}.`,
    'The agent stopped and changed nothing. Restore a backup (the file it replaces is kept aside):',
    `keyport-agent --restore-backup ${join(dirname(error.path), BACKUPS_DIR)}/keyport-YYYYMMDDTHHMMSSZ.db (with the same --data-dir);`,
    `or move ${error.path} aside and start with --start-empty.`,
  ].join('\n');
}
