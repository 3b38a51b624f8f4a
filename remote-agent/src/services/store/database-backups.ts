import { chmod, mkdir, readdir, rename, rm, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import * as sqlite from 'node:sqlite';
import { DatabaseSync } from 'node:sqlite';
import type { Logger } from '../../lib/logger.ts';

export const BACKUPS_KEPT = 3;
export const BACKUP_INTERVAL_MS = 24 * 3600_000;
/** How often the agent looks whether a backup is due: a day's backup is at most this late. */
const CHECK_EVERY_MS = 3600_000;
const NAME = /^keyport-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.db$/;

export interface BackupFile {
  path: string;
  takenAtMs: number;
}

/** The backups in `dir`, newest first (by the time in their names, so a copied file keeps its age). */
export async function listBackups(dir: string): Promise<BackupFile[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const backups: BackupFile[] = [];
  for (const name of names) {
    const match = NAME.exec(name);
    if (!match) continue;
    const [, year, month, day, hour, minute, second] = match.map(Number) as [number, number, number, number, number, number, number];
    backups.push({ path: join(dir, name), takenAtMs: Date.UTC(year, month - 1, day, hour, minute, second) });
  }
  return backups.sort((a, b) => b.takenAtMs - a.takenAtMs);
}

export function backupName(atMs: number): string {
  return `keyport-${new Date(atMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')}.db`;
}

/**
 * A consistent copy of an open database at `path` through SQLite's online backup, while it is in
 * use. The copy is one file (rollback journal, not WAL), so reading it later leaves nothing beside it.
 */
export async function copyDatabase(db: DatabaseSync, path: string): Promise<void> {
  // sqlite.backup is Node >= 22.16; VACUUM INTO (also online and consistent) serves the runtimes before it.
  if (typeof sqlite.backup === 'function') await sqlite.backup(db, path);
  else db.prepare('VACUUM INTO ?').run(path);
  const copy = new DatabaseSync(path);
  try {
    copy.exec('PRAGMA journal_mode = DELETE');
  } finally {
    copy.close();
  }
  await chmod(path, 0o600);
}

export interface DatabaseBackupsOptions {
  db: DatabaseSync;
  databasePath: string;
  dir: string;
  log: Logger;
  now?: () => number;
  kept?: number;
  intervalMs?: number;
}

/**
 * A daily backup of the agent's database in the data dir, the newest BACKUPS_KEPT kept. A backup
 * is written under a temporary name and renamed when whole, so a crash or a full disk never
 * leaves a half backup that looks like one; it is skipped while the disk could not hold it twice
 * over, so a backup never takes the last room the sampler needs.
 */
export class DatabaseBackups {
  readonly #o: Required<DatabaseBackupsOptions>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<string | undefined> | undefined;

  constructor(options: DatabaseBackupsOptions) {
    this.#o = { now: Date.now, kept: BACKUPS_KEPT, intervalMs: BACKUP_INTERVAL_MS, ...options };
  }

  start(): void {
    this.#timer = setInterval(() => void this.backUpIfDue(), CHECK_EVERY_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Takes a backup when the newest is older than the interval (or there is none); its path, or undefined. */
  backUpIfDue(): Promise<string | undefined> {
    this.#running ??= this.#backUpIfDue().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #backUpIfDue(): Promise<string | undefined> {
    const atMs = this.#o.now();
    const [newest] = await listBackups(this.#o.dir);
    if (newest && atMs - newest.takenAtMs < this.#o.intervalMs && newest.takenAtMs <= atMs) return undefined;
    try {
      return await this.#backUp(atMs);
    } catch (error) {
      this.#o.log.warn(`database backup failed, next try within the hour: ${(error as Error).message}`);
      return undefined;
    }
  }

  async #backUp(atMs: number): Promise<string | undefined> {
    const { dir, db, databasePath, log } = this.#o;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const { size } = await stat(databasePath);
    const room = await statfs(dir).then((info) => info.bavail * info.bsize);
    if (room < 2 * size) {
      log.warn(`database backup skipped: ${room} bytes free in ${dir}, the database is ${size} bytes`);
      return undefined;
    }
    const path = join(dir, backupName(atMs));
    const partial = `${path}.partial`;
    try {
      await copyDatabase(db, partial);
      await rename(partial, path);
    } finally {
      await rm(partial, { force: true });
    }
    await this.#prune();
    log.info(`database backed up to ${path}`);
    return path;
  }

  async #prune(): Promise<void> {
    const backups = await listBackups(this.#o.dir);
    for (const old of backups.slice(this.#o.kept)) {
      for (const path of [old.path, `${old.path}-wal`, `${old.path}-shm`]) await rm(path, { force: true });
    }
    for (const name of await readdir(this.#o.dir)) {
      if (name.endsWith('.db.partial')) await rm(join(this.#o.dir, name), { force: true });
    }
  }
}
