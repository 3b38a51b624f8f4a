import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { listDailyBackups, ResponseOf } from '../../../../remote-agent/src/api/index.ts';
import { uploadAndRestore, type RestoreProgress, type RestoreReport } from '../backup/restore-upload.ts';
import { readServerArchive, writeServerArchive } from '../backup/server-archive.ts';
import { checkPassphrase } from '../crypto/passphrase-crypto.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import { findServer } from './server-directory.ts';
import { dataOf } from './server-calls.ts';
import { ServerService } from './server-service.ts';
import type { ServerSessions } from './server-sessions.ts';

export type DailyBackupList = ResponseOf<typeof listDailyBackups>['data']['backups'];
export type { RestoreProgress, RestoreReport } from '../backup/restore-upload.ts';

export interface BackupWritten {
  file: string;
  sizeBytes: number;
  /** The daily backup it was made from; null for a snapshot of now. */
  daily: string | null;
}

/**
 * Backups of whole servers (beyond the spec): the agent's snapshot, or one of its daily backups,
 * sealed into a passphrase-encrypted archive on this machine; an archive opened and checked here,
 * then sent in chunks that survive a dropped link (restore-upload.ts) and restored onto a server
 * without keys. The plain snapshot exists only in a private temp dir for the length of a call.
 * Local faces only: the calls take file paths and a passphrase.
 */
export class ServerBackupService extends ServerService {
  readonly #afterRestore: (server: string) => Promise<void>;

  constructor(cache: ConsoleCache, sessions: Pick<ServerSessions, 'client'>, afterRestore: (server: string) => Promise<void>) {
    super(cache, sessions);
    this.#afterRestore = afterRestore;
  }

  dailyBackups(serverName: string): Promise<DailyBackupList> {
    return this.calls.check(serverName, async (client) => dataOf(await client.listDailyBackups()).backups);
  }

  async backup(serverName: string, archivePath: string, passphrase: string, options: { daily?: string } = {}): Promise<BackupWritten> {
    checkPassphrase(passphrase);
    return withPrivateDir(async (dir) => {
      const plain = join(dir, 'snapshot.db');
      await this.calls.check(serverName, (client) =>
        options.daily === undefined ? client.getServerSnapshot(plain) : client.getDailyBackup(options.daily, plain),
      );
      await writeServerArchive(plain, archivePath, passphrase);
      return { file: archivePath, sizeBytes: (await stat(archivePath)).size, daily: options.daily ?? null };
    });
  }

  /** Opens the archive first: a wrong passphrase or a damaged file sends nothing to the server. */
  async restore(serverName: string, archivePath: string, passphrase: string, options: { onProgress?: (progress: RestoreProgress) => void } = {}): Promise<RestoreReport> {
    const server = findServer(this.cache, serverName);
    const report = await withPrivateDir(async (dir) => {
      const plain = join(dir, 'snapshot.db');
      await readServerArchive(archivePath, plain, passphrase);
      return this.calls.check(server.id, (client) => uploadAndRestore(client, plain, options));
    });
    // The restore stands whether or not the cache catches up now; the next sync brings it.
    await this.#afterRestore(server.id).catch(() => undefined);
    return report;
  }
}

async function withPrivateDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'keyport-backup-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
