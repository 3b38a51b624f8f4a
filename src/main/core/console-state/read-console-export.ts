import { readFile, stat } from 'node:fs/promises';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { checkExportDocument, checkExportSecrets } from './check-export-document.ts';
import type { ConsoleExportDocument, ExportSecrets } from './console-export-format.ts';
import { exportDamaged } from './export-errors.ts';
import { openExportSecrets } from './export-secrets-seal.ts';

/** An export checked whole, its secrets opened: what an import may apply. */
export interface OpenedConsoleExport {
  file: string;
  document: ConsoleExportDocument;
  /** Null when the file carries none. */
  secrets: ExportSecrets | null;
}

/** Far above any fleet's export (50 servers, thousands of pending disables are a few MB); a bigger file is read no further. */
const MAX_EXPORT_BYTES = 64 * 1024 * 1024;

/**
 * Reads and checks an export (check-export-document.ts), then opens its secrets with the
 * passphrase `askPassphrase` gives, asked only when the file carries secrets and only once the
 * rest has passed. Touches nothing but the file: a refused one changes nothing anywhere.
 */
export async function readConsoleExport(file: string, askPassphrase: () => Promise<string>): Promise<OpenedConsoleExport> {
  const bytes = await readWhole(file);
  let text: string;
  let parsed: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw exportDamaged(file, 'it is not UTF-8 text');
  }
  try {
    parsed = JSON.parse(text);
  } catch {
    throw exportDamaged(file, 'it is not JSON: cut short or changed');
  }
  const document = checkExportDocument(file, parsed);
  if (document.secrets === null) return { file, document, secrets: null };
  const opened = await openExportSecrets(file, { ...document, secrets: document.secrets }, await askPassphrase());
  return { file, document, secrets: checkExportSecrets(file, opened, document.servers) };
}

async function readWhole(file: string): Promise<Buffer> {
  const cannotRead = (error: NodeJS.ErrnoException) =>
    new KeyportError('bad-input', `cannot read ${file} (${error.code ?? error.message})`, { file, field: 'file' });
  const size = await stat(file).then((info) => info.size, (error: NodeJS.ErrnoException) => Promise.reject(cannotRead(error)));
  if (size > MAX_EXPORT_BYTES) throw exportDamaged(file, `it is ${size} bytes, more than any console export`);
  return readFile(file).catch((error: NodeJS.ErrnoException) => Promise.reject(cannotRead(error)));
}
