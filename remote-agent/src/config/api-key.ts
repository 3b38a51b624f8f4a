import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The API key: env KEYPORT_API_KEY when set, else the key file, created with a random key
 * (mode 0600) when missing. The key itself is never logged.
 */
export async function loadApiKey(file: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env.KEYPORT_API_KEY?.trim();
  if (fromEnv) return fromEnv;
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored) return stored;
    throw new Error(`the API key file ${file} is empty`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32).toString('base64url');
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
