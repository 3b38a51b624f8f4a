import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

const hashes = new Map<string, Promise<string>>();

/**
 * The sha256 (hex) of a local file, computed once per process: the runtime is 120 MB and every
 * deploy asks. A changed file (mtime or size) is hashed again.
 */
export async function fileSha256(path: string): Promise<string> {
  const { mtimeMs, size } = await stat(path);
  const cacheKey = `${path}\0${mtimeMs}\0${size}`;
  let hash = hashes.get(cacheKey);
  if (!hash) {
    hash = hashStream(path);
    hashes.set(cacheKey, hash);
    hash.catch(() => hashes.delete(cacheKey));
  }
  return hash;
}

function hashStream(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .once('error', reject)
      .once('end', () => resolve(hash.digest('hex')));
  });
}
