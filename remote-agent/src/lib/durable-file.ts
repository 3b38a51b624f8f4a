import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Writes `text` to `path` and waits until it is on disk, so a crash never leaves a torn file. */
export async function writeSynced(path: string, text: string, mode: number): Promise<void> {
  const handle = await open(path, 'w', mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Renames `from` over `to` and syncs the directory, so the new name survives a power cut. */
export async function renameSynced(from: string, to: string): Promise<void> {
  await rename(from, to);
  const dir = await open(dirname(to), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
