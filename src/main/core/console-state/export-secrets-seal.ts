import { KeyportError } from '../../../shared/contract/errors.ts';
import {
  checkPassphrase,
  DEFAULT_SCRYPT,
  derivePassphraseKeys,
  freshSaltAndNonce,
  passphraseCipher,
  passphraseDecipher,
  verifierMatches,
  type ScryptParams,
} from '../crypto/passphrase-crypto.ts';
import type { ConsoleExportDocument, ExportBody, ExportSecrets, SealedExportSecrets } from './console-export-format.ts';
import { exportDamaged } from './export-errors.ts';
import { secretsAssociatedData } from './export-digest.ts';

/** Encrypts the secrets with the passphrase, bound to the rest of the document (export-digest.ts). */
export async function sealExportSecrets(
  secrets: ExportSecrets,
  passphrase: string,
  body: Omit<ExportBody, 'secrets'>,
  kdf: ScryptParams = DEFAULT_SCRYPT,
): Promise<SealedExportSecrets> {
  const { salt, nonce } = freshSaltAndNonce();
  const keys = await derivePassphraseKeys(checkPassphrase(passphrase), salt, kdf);
  const header = {
    cipher: 'aes-256-gcm',
    kdf: { name: 'scrypt', ...kdf },
    salt: salt.toString('base64'),
    nonce: nonce.toString('base64'),
    verifier: keys.verifier.toString('base64'),
  } as const;
  const cipher = passphraseCipher(keys, nonce, secretsAssociatedData(body, header));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  return { ...header, ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/**
 * The secrets' JSON as sealed, for the checker to judge. A wrong passphrase is
 * `export-passphrase-wrong`; secrets or any other part of the document changed since they were
 * sealed is `export-damaged`.
 */
export async function openExportSecrets(file: string, document: ConsoleExportDocument & { secrets: SealedExportSecrets }, passphrase: string): Promise<unknown> {
  const sealed = document.secrets;
  const keys = await derivePassphraseKeys(checkPassphrase(passphrase), Buffer.from(sealed.salt, 'base64'), sealed.kdf);
  if (!verifierMatches(keys, Buffer.from(sealed.verifier, 'base64'))) {
    throw new KeyportError('export-passphrase-wrong', `the passphrase is not the one ${file} was written with; nothing was imported`, { file });
  }
  const decipher = passphraseDecipher(keys, Buffer.from(sealed.nonce, 'base64'), secretsAssociatedData(document, sealed), Buffer.from(sealed.tag, 'base64'));
  let plain: string;
  try {
    plain = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw exportDamaged(file, 'its secrets, or what they were sealed with, were changed');
  }
  try {
    return JSON.parse(plain) as unknown;
  } catch {
    throw exportDamaged(file, 'its secrets are not JSON');
  }
}
