/** SQLite's primary result code for "database or disk is full" (the low byte of an extended code). */
const SQLITE_FULL = 13;
const NO_SPACE_CODES = new Set(['ENOSPC', 'EDQUOT']);

/**
 * Whether a failure means the file system holding the agent's data has no room left: SQLite's
 * SQLITE_FULL (node:sqlite puts it in `errcode`) or a file write's ENOSPC/EDQUOT, also when wrapped
 * as another error's `cause`.
 */
export function isDiskFull(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const { code, errcode } = current as Error & { code?: unknown; errcode?: unknown };
    if (typeof errcode === 'number' && (errcode & 0xff) === SQLITE_FULL) return true;
    if (typeof code === 'string' && NO_SPACE_CODES.has(code)) return true;
  }
  return false;
}
