import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The server's Reality identity: an x25519 key pair (base64url, 32 bytes) and its shortIds. */
export interface RealityKeys {
  privateKey: string;
  publicKey: string;
  shortIds: string[];
}

export const REALITY_KEYS_FILE = 'reality-keys.json';
// PKCS#8 prefix of a raw 32-byte X25519 private key; Node's JWK import also wants `x`, which is what we derive.
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** Loads the Reality keys from the data dir, generating and saving them (mode 0600) on first start. */
export async function loadOrCreateRealityKeys(dataDir: string): Promise<RealityKeys> {
  const path = join(dataDir, REALITY_KEYS_FILE);
  try {
    return JSON.parse(await readFile(path, 'utf8')) as RealityKeys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const keys = generateRealityKeys();
  await writeFile(path, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return keys;
}

export function generateRealityKeys(): RealityKeys {
  const jwk = generateKeyPairSync('x25519').privateKey.export({ format: 'jwk' });
  return {
    privateKey: jwk.d as string,
    publicKey: jwk.x as string,
    shortIds: [randomBytes(4).toString('hex'), randomBytes(8).toString('hex')],
  };
}

/** The public key that belongs to a base64url private key, or undefined when it is not one. */
export function publicKeyOf(privateKey: string): string | undefined {
  const raw = Buffer.from(privateKey, 'base64url');
  if (raw.length !== 32 || raw.toString('base64url') !== privateKey) return undefined;
  const key = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
  return createPublicKey(key).export({ format: 'jwk' }).x;
}
