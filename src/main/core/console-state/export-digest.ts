import { createHash } from 'node:crypto';
import type { ExportBody, SealedExportSecrets } from './console-export-format.ts';

/**
 * What the writer and the reader of an export both compute from the document: its checksum, and
 * the associated data that binds the sealed secrets to the rest. Both are JSON of fields taken one
 * by one in a fixed order; inside them the objects keep the order the file has, which JSON.parse
 * keeps and JSON.stringify wrote, so the reader gets the writer's bytes back.
 */
export function exportChecksum(body: ExportBody): string {
  return createHash('sha256').update(bodyJson(body, body.secrets)).digest('hex');
}

/**
 * GCM's associated data for the secrets: the whole document but the ciphertext and its tag, so
 * no one without the passphrase can change a server of a file that carries secrets unnoticed.
 */
export function secretsAssociatedData(body: Omit<ExportBody, 'secrets'>, sealed: Omit<SealedExportSecrets, 'ciphertext' | 'tag'>): Buffer {
  const { cipher, kdf, salt, nonce, verifier } = sealed;
  return Buffer.from(bodyJson(body, { cipher, kdf: { name: kdf.name, log2N: kdf.log2N, r: kdf.r, p: kdf.p }, salt, nonce, verifier }), 'utf8');
}

function bodyJson(body: Omit<ExportBody, 'secrets'>, secrets: unknown): string {
  const { format, version, exportedAt, servers, pendingDisables } = body;
  return JSON.stringify({ format, version, exportedAt, servers, pendingDisables, secrets });
}
