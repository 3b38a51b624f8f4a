import {
  createCipheriv,
  createDecipheriv,
  randomBytes,
  scrypt,
  timingSafeEqual,
  type CipherGCM,
  type DecipherGCM,
  type ScryptOptions,
} from 'node:crypto';
import { KeyportError } from '../../../shared/contract/errors.ts';

/**
 * The encryption Keyport's passphrase-protected files share (server backup archives, console
 * exports): AES-256-GCM under a key scrypt derives from the admin's passphrase and a random salt.
 * Besides the key, scrypt gives a verifier the file keeps, which tells a wrong passphrase from a
 * damaged file (both would fail GCM alike); it helps a guesser no more than the tag would, at the
 * same scrypt cost per guess.
 */
export const SALT_BYTES = 16;
export const NONCE_BYTES = 12;
export const VERIFIER_BYTES = 16;
export const TAG_BYTES = 16;
const KEY_BYTES = 32;

export interface ScryptParams {
  log2N: number;
  r: number;
  p: number;
}

/** scrypt's cost: 2^17 x 8 x 128 bytes = 128 MiB and a fraction of a second per passphrase tried. */
export const DEFAULT_SCRYPT: ScryptParams = { log2N: 17, r: 8, p: 1 };
/** What a file may ask of scrypt when read: no file makes the console spend more than 1 GiB. */
const MAX_LOG2N = 20;
const MIN_LOG2N = 15;
export const MIN_PASSPHRASE_LENGTH = 8;

/** Whether a file's scrypt settings are ones Keyport derives with (integers, within bounds). */
export function scryptParamsInBounds({ log2N, r, p }: ScryptParams): boolean {
  const within = (value: number, low: number, high: number) => Number.isInteger(value) && value >= low && value <= high;
  return within(log2N, MIN_LOG2N, MAX_LOG2N) && within(r, 1, 32) && within(p, 1, 16);
}

/** The passphrase as scrypt takes it; `bad-input` when it is too short to guard what it seals. */
export function checkPassphrase(passphrase: string): Buffer {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new KeyportError('bad-input', `the passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`, { field: 'passphrase' });
  }
  return Buffer.from(passphrase.normalize('NFC'), 'utf8');
}

export interface PassphraseKeys {
  key: Buffer;
  verifier: Buffer;
}

/** The AES key and the verifier scrypt derives from the passphrase and salt. */
export function derivePassphraseKeys(passphrase: Buffer, salt: Buffer, { log2N, r, p }: ScryptParams): Promise<PassphraseKeys> {
  const N = 2 ** log2N;
  const options: ScryptOptions = { N, r, p, maxmem: 129 * N * r * p + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(passphrase, salt, KEY_BYTES + VERIFIER_BYTES, options, (error, derived) =>
      error ? reject(error) : resolve({ key: derived.subarray(0, KEY_BYTES), verifier: derived.subarray(KEY_BYTES) }),
    ),
  );
}

/** Whether the passphrase that gave `keys` is the one the file's verifier was made with (constant time). */
export function verifierMatches(keys: PassphraseKeys, stored: Buffer): boolean {
  return stored.length === VERIFIER_BYTES && timingSafeEqual(keys.verifier, stored);
}

/** A new file's salt and nonce: random, never reused. */
export function freshSaltAndNonce(): { salt: Buffer; nonce: Buffer } {
  return { salt: randomBytes(SALT_BYTES), nonce: randomBytes(NONCE_BYTES) };
}

/** Encrypts under the key; `associated` is authenticated with the contents, not encrypted. */
export function passphraseCipher(keys: PassphraseKeys, nonce: Buffer, associated: Buffer): CipherGCM {
  const cipher = createCipheriv('aes-256-gcm', keys.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associated);
  return cipher;
}

/** Decrypts what passphraseCipher made; its `final()` throws unless contents, tag and `associated` are all as written. */
export function passphraseDecipher(keys: PassphraseKeys, nonce: Buffer, associated: Buffer, tag: Buffer): DecipherGCM {
  const decipher = createDecipheriv('aes-256-gcm', keys.key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(associated);
  decipher.setAuthTag(tag);
  return decipher;
}
