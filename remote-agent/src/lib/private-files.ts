import { chmod, stat } from 'node:fs/promises';

/**
 * Makes files that earlier agents created 0644 readable by their owner only (0600). New files are
 * 0600 already (main.ts sets umask 077), and SQLite gives -wal and -shm the database's own mode,
 * so the database must be tightened before it is opened.
 */
export async function keepPrivate(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const mode = await stat(path).then(
      (info) => (info.isFile() ? info.mode & 0o777 : undefined),
      () => undefined,
    );
    if (mode !== undefined && (mode & 0o077) !== 0) await chmod(path, mode & 0o700);
  }
}
