import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { KeyportError } from '../../../shared/contract/errors.ts';
import {
  checkPassphrase,
  DEFAULT_SCRYPT,
  derivePassphraseKeys,
  freshSaltAndNonce,
  NONCE_BYTES,
  passphraseCipher,
  passphraseDecipher,
  SALT_BYTES,
  scryptParamsInBounds,
  TAG_BYTES,
  verifierMatches,
  VERIFIER_BYTES,
  type ScryptParams,
} from '../crypto/passphrase-crypto.ts';

/**
 * A server backup archive: a header, then the snapshot encrypted with the passphrase
 * (passphrase-crypto.ts), then GCM's 16-byte tag. The header is GCM's associated data, so no byte
 * of the file can change unnoticed; it keeps scrypt's verifier, which tells a wrong passphrase
 * from a damaged file.
 *
 * Header (big-endian): magic "KPSRVBAK" | version 1 | kdf 1 (scrypt) | log2 N | r | p |
 * salt (16) | nonce (12) | verifier (16) | SHA-256 of all before, first 16 bytes.
 */
const MAGIC = Buffer.from('KPSRVBAK', 'latin1');
const VERSION = 1;
const KDF_SCRYPT = 1;
const CHECKSUM_BYTES = 16;
const FIELDS_BYTES = MAGIC.length + 5 + SALT_BYTES + NONCE_BYTES + VERIFIER_BYTES;
export const ARCHIVE_HEADER_BYTES = FIELDS_BYTES + CHECKSUM_BYTES;

interface Header {
  kdf: ScryptParams;
  salt: Buffer;
  nonce: Buffer;
  verifier: Buffer;
  bytes: Buffer;
}

function encodeHeader(kdf: ScryptParams, salt: Buffer, nonce: Buffer, verifier: Buffer): Buffer {
  const fields = Buffer.concat([MAGIC, Buffer.from([VERSION, KDF_SCRYPT, kdf.log2N, kdf.r, kdf.p]), salt, nonce, verifier]);
  return Buffer.concat([fields, createHash('sha256').update(fields).digest().subarray(0, CHECKSUM_BYTES)]);
}

const damaged = (file: string, where: string) =>
  new KeyportError('backup-damaged', `${file} is not a whole Keyport server backup (${where}); nothing was restored`, { file, where });

function decodeHeader(file: string, bytes: Buffer): Header {
  if (bytes.length < ARCHIVE_HEADER_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw damaged(file, 'not a Keyport server backup');
  const fields = bytes.subarray(0, FIELDS_BYTES);
  const checksum = createHash('sha256').update(fields).digest().subarray(0, CHECKSUM_BYTES);
  if (!timingSafeEqual(checksum, bytes.subarray(FIELDS_BYTES, ARCHIVE_HEADER_BYTES))) throw damaged(file, 'its header was changed');
  let at = MAGIC.length;
  const [version, kdfId, log2N, r, p] = [...fields.subarray(at, (at += 5))] as [number, number, number, number, number];
  if (version !== VERSION || kdfId !== KDF_SCRYPT) throw damaged(file, `format version ${version}, which this Keyport does not read`);
  if (!scryptParamsInBounds({ log2N, r, p })) throw damaged(file, 'its key derivation settings are out of bounds');
  const salt = fields.subarray(at, (at += SALT_BYTES));
  const nonce = fields.subarray(at, (at += NONCE_BYTES));
  const verifier = fields.subarray(at, (at += VERIFIER_BYTES));
  return { kdf: { log2N, r, p }, salt, nonce, verifier, bytes: bytes.subarray(0, ARCHIVE_HEADER_BYTES) };
}

/**
 * Encrypts the file `plainPath` into an archive at `archivePath`, written under a temporary name and
 * renamed when whole, so a failure never leaves a file that looks like a backup.
 */
export async function writeServerArchive(plainPath: string, archivePath: string, passphrase: string, kdf: ScryptParams = DEFAULT_SCRYPT): Promise<void> {
  const secret = checkPassphrase(passphrase);
  const { salt, nonce } = freshSaltAndNonce();
  const keys = await derivePassphraseKeys(secret, salt, kdf);
  const header = encodeHeader(kdf, salt, nonce, keys.verifier);
  const cipher = passphraseCipher(keys, nonce, header);
  const partial = `${archivePath}.partial`;
  try {
    const out = createWriteStream(partial, { mode: 0o600 });
    out.write(header);
    await pipeline(createReadStream(plainPath), cipher, out, { end: false });
    await new Promise<void>((resolve, reject) => out.end(cipher.getAuthTag(), (error?: Error | null) => (error ? reject(error) : resolve())));
    await rename(partial, archivePath);
  } finally {
    await rm(partial, { force: true });
  }
}

/**
 * Decrypts the archive at `archivePath` into `plainPath` (mode 0600), checked whole before it
 * returns: a wrong passphrase is `backup-passphrase-wrong`, a file cut short or changed anywhere
 * `backup-damaged`, and then `plainPath` is removed again.
 */
export async function readServerArchive(archivePath: string, plainPath: string, passphrase: string): Promise<void> {
  const secret = checkPassphrase(passphrase);
  const size = await stat(archivePath).then((info) => info.size);
  const handle = await open(archivePath, 'r');
  let headerBytes: Buffer;
  try {
    headerBytes = Buffer.alloc(Math.min(size, ARCHIVE_HEADER_BYTES));
    await handle.read(headerBytes, 0, headerBytes.length, 0);
  } finally {
    await handle.close();
  }
  const header = decodeHeader(archivePath, headerBytes);
  if (size < ARCHIVE_HEADER_BYTES + TAG_BYTES) throw damaged(archivePath, 'it is cut short');
  const keys = await derivePassphraseKeys(secret, header.salt, header.kdf);
  if (!verifierMatches(keys, header.verifier)) {
    throw new KeyportError('backup-passphrase-wrong', `the passphrase is not the one ${archivePath} was written with; nothing was restored`, { file: archivePath });
  }
  const tag = Buffer.alloc(TAG_BYTES);
  const tail = await open(archivePath, 'r');
  try {
    await tail.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
  } finally {
    await tail.close();
  }
  const decipher = passphraseDecipher(keys, header.nonce, header.bytes, tag);
  try {
    await pipeline(createReadStream(archivePath, { start: ARCHIVE_HEADER_BYTES, end: size - TAG_BYTES - 1 }), decipher, createWriteStream(plainPath, { mode: 0o600 }));
  } catch (error) {
    await rm(plainPath, { force: true });
    // A file system failure names its system call; any other is GCM's final check, which has no code.
    if ((error as NodeJS.ErrnoException).syscall !== undefined) throw error;
    throw damaged(archivePath, 'its contents were changed or cut short');
  }
}
