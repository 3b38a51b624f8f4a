import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SNAPSHOT_MAX_BYTES } from '../api/backup.ts';
import { HttpError, notFound } from '../lib/http-error.ts';
import type { ServerRestore, RestoreOutcome } from './server-restore.ts';
import { listBackups } from './store/database-backups.ts';
import { writeServerSnapshot } from './store/server-snapshot.ts';
import type { RealityKeys } from './xray/reality-keys.ts';

/** Files a snapshot sent or received leaves while in flight (server-snapshot.ts, restore below, server-restore.ts). */
const IN_FLIGHT = /^(?:(?:snapshot|restore)-[0-9a-f]{12}\.db(?:-wal|-shm|-journal)?|reality-keys\.json\.restoring)$/;

export interface DailyBackupInfo {
  name: string;
  takenAtMs: number;
  sizeBytes: number;
}

export interface ServerBackupsOptions {
  db: DatabaseSync;
  /** Where snapshots being sent or received are kept meanwhile (the data dir: private, and on the database's disk). */
  workDir: string;
  backupsDir: string;
  realityKeys: RealityKeys;
  restorer: ServerRestore;
}

/**
 * Server snapshots for the API: of the live database or of a daily backup, each written to a file
 * that is streamed out and removed once sent; and a received snapshot written to a file (or one
 * uploaded in chunks, restore-uploads.ts), restored, and removed whatever the outcome.
 */
export class ServerBackups {
  readonly #o: ServerBackupsOptions;

  constructor(options: ServerBackupsOptions) {
    this.#o = options;
  }

  /** At start: what a send or a restore cut off by a crash left in the work dir (a snapshot holds the Reality keys). */
  async removeLeftovers(): Promise<void> {
    for (const name of await readdir(this.#o.workDir)) if (IN_FLIGHT.test(name)) await rm(join(this.#o.workDir, name), { force: true });
  }

  async snapshot(): Promise<AsyncIterable<Uint8Array>> {
    return sendOnce(await writeServerSnapshot(this.#o.db, this.#o.workDir, this.#o.realityKeys));
  }

  async daily(): Promise<DailyBackupInfo[]> {
    const backups = await listBackups(this.#o.backupsDir);
    const sized = await Promise.all(backups.map(async (backup) => ({ backup, size: await stat(backup.path).then((info) => info.size, () => undefined) })));
    return sized.flatMap(({ backup, size }) => (size === undefined ? [] : [{ name: basename(backup.path), takenAtMs: backup.takenAtMs, sizeBytes: size }]));
  }

  async dailySnapshot(name: string): Promise<AsyncIterable<Uint8Array>> {
    const backup = (await listBackups(this.#o.backupsDir)).find((candidate) => basename(candidate.path) === name);
    if (!backup) throw notFound(`no daily backup ${name}`);
    const source = new DatabaseSync(backup.path, { readOnly: true });
    try {
      return sendOnce(await writeServerSnapshot(source, this.#o.workDir, this.#o.realityKeys));
    } finally {
      source.close();
    }
  }

  async restore(body: AsyncIterable<Uint8Array>): Promise<RestoreOutcome> {
    const path = join(this.#o.workDir, `restore-${randomBytes(6).toString('hex')}.db`);
    try {
      await receive(body, path);
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    return this.restoreFile(path);
  }

  /** Restores the snapshot file at `path` (received whole, or uploaded in chunks) and removes it, whatever the outcome. */
  async restoreFile(path: string): Promise<RestoreOutcome> {
    try {
      return await this.#o.restorer.restore(path);
    } finally {
      for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) await rm(file, { force: true });
    }
  }
}

/** Streams the file at `path` and removes it when the stream ends, sent or broken off. */
function sendOnce(path: string): AsyncIterable<Uint8Array> {
  const stream = createReadStream(path);
  stream.once('close', () => void rm(path, { force: true }));
  return stream;
}

async function receive(body: AsyncIterable<Uint8Array>, path: string): Promise<void> {
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > SNAPSHOT_MAX_BYTES) done(new HttpError(413, `a snapshot may be at most ${SNAPSHOT_MAX_BYTES} bytes`));
      else done(null, chunk);
    },
  });
  await pipeline(body, limit, createWriteStream(path, { mode: 0o600 }));
  if (bytes === 0) throw new HttpError(400, 'the body is empty: it must be a server snapshot', { reason: 'snapshot_damaged' });
}
