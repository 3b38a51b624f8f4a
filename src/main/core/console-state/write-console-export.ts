import { open, rename, rm } from 'node:fs/promises';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { ConsoleExportDocument, ExportBody } from './console-export-format.ts';
import { exportChecksum } from './export-digest.ts';

/**
 * Writes the document (indented JSON, its checksum last) atomically: under a temporary name in the
 * same directory, mode 0600 from its creation, flushed, then renamed over FILE. A failure leaves
 * FILE as it was and no partial file behind (`bad-input` when FILE cannot be written there).
 * Answers the size written.
 */
export async function writeConsoleExport(file: string, body: ExportBody): Promise<number> {
  const { format, version, exportedAt, servers, pendingDisables, secrets } = body;
  const ordered: ExportBody = { format, version, exportedAt, servers, pendingDisables, secrets };
  const document: ConsoleExportDocument = { ...ordered, sha256: exportChecksum(ordered) };
  const bytes = Buffer.from(`${JSON.stringify(document, null, 2)}\n`, 'utf8');
  const partial = `${file}.partial`;
  await rm(partial, { force: true });
  try {
    // 'wx': never through a file or link someone left under that name.
    const handle = await open(partial, 'wx', 0o600);
    try {
      // The umask may take bits off the mode, never add them; chmod makes it exactly 0600.
      await handle.chmod(0o600);
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new KeyportError('bad-input', `cannot write ${file} (${code}); nothing was written`, { file, field: 'file' });
  } finally {
    await rm(partial, { force: true });
  }
  return bytes.length;
}
