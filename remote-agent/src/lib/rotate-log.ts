import { copyFile, stat, truncate } from 'node:fs/promises';

/**
 * Keeps a log that another process appends to under `maxBytes`: past that, its content moves to
 * `PATH.1` (replacing the older copy) and the file is emptied in place. Xray opens its log files
 * with O_APPEND (common/log/logger.go:164-170 at v26.7.28), as the agent opens Xray's stdout, so
 * after the truncation every write lands at the new end; lines written between the copy and the
 * truncation are lost, which a log can afford.
 */
export async function rotateLog(path: string, maxBytes: number): Promise<boolean> {
  const size = await stat(path).then(
    (info) => info.size,
    () => 0,
  );
  if (size <= maxBytes) return false;
  await copyFile(path, `${path}.1`);
  await truncate(path, 0);
  return true;
}
