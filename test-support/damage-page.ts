import assert from 'node:assert/strict';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';

/** Overwrites page `page` (1-based) of a SQLite file with garbage, as a bad sector or a torn write leaves it. */
export function damagePage(path: string, page: number, pageSize = 4096): void {
  assert.ok(statSync(path).size >= page * pageSize, 'the file has that page');
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
  closeSync(fd);
}
