import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * Which console this is, as a server's deploy lock records it: a random id kept in the keyport
 * home (the same for the window, web mode and the CLI on one home), and the laptop's host name.
 * Neither is a secret; both are only ever compared and shown.
 */
export interface ConsoleIdentity {
  id: string;
  hostname: string;
}

export const CONSOLE_ID_FILE = 'console-id';
export const CONSOLE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The home's console id, made on first use; a damaged file gets a new one. */
export function loadConsoleIdentity(home: string): ConsoleIdentity {
  const file = join(home, CONSOLE_ID_FILE);
  const stored = readId(file);
  if (stored) return { id: stored, hostname: consoleHostname() };
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const id = randomUUID();
  try {
    // 'wx': two consoles starting at once on one home agree on the first one written.
    writeFileSync(file, `${id}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const raced = readId(file);
    if (raced) return { id: raced, hostname: consoleHostname() };
    writeFileSync(file, `${id}\n`, { mode: 0o600 });
  }
  return { id, hostname: consoleHostname() };
}

/** A console with no home of its own (a test, a script over the core): its id lasts as long as the process. */
export function processConsoleIdentity(): ConsoleIdentity {
  processIdentity ??= { id: randomUUID(), hostname: consoleHostname() };
  return processIdentity;
}

let processIdentity: ConsoleIdentity | undefined;

/** The host name in the characters a lock record keeps (it is shown to admins of other consoles). */
export function consoleHostname(name: string = hostname()): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64) || 'unknown-host';
}

function readId(file: string): string | undefined {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return CONSOLE_ID.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}
