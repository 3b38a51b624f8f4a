import { createHash } from 'node:crypto';

/** The outside host's download: 1 MiB of fixed pseudo-random bytes, the same on both ends. */
export const BLOB_BYTES = 1024 * 1024;

/** SHA-256 counter blocks: incompressible, so no layer can shortcut them, and reproducible. */
export function testBlob(bytes = BLOB_BYTES): Buffer {
  const blocks: Buffer[] = [];
  for (let block = 0, length = 0; length < bytes; block += 1, length += 32) {
    blocks.push(createHash('sha256').update(`keyport-blob-${block}`).digest());
  }
  return Buffer.concat(blocks).subarray(0, bytes);
}
