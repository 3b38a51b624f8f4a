import { CONSOLE_ID } from '../console/console-identity.ts';

/** What a deploy lock's `owner` file says, each field only if it reads as one. */
export interface LockRecord {
  token?: string;
  console?: string;
  hostname?: string;
  pid?: number;
  /** When the holder took it, by the server's clock: `2026-12-01T17:00:00Z`. */
  since?: string;
}

export type LockAnswer =
  | { state: 'taken' }
  /** `recordSum`: the record's checksum as the server read it, so a take-over replaces only that record. */
  | { state: 'held'; idleSeconds: number | undefined; owner: LockRecord | undefined; recordSum: string }
  /** The lock changed hands between two looks. */
  | { state: 'changed' };

const FIELDS: Record<string, { key: keyof LockRecord; valid: RegExp }> = {
  'owner.token': { key: 'token', valid: CONSOLE_ID },
  'owner.console': { key: 'console', valid: CONSOLE_ID },
  'owner.host': { key: 'hostname', valid: /^[A-Za-z0-9._-]{1,64}$/ },
  'owner.pid': { key: 'pid', valid: /^[1-9][0-9]{0,9}$/ },
  'owner.since': { key: 'since', valid: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/ },
};

/**
 * Reads the lock scripts' `key=value` lines: the one place their output is read. A record is
 * written by whichever console holds the lock, so every field is checked before it is believed.
 */
export function readLockAnswer(output: string): LockAnswer {
  const values = new Map<string, string>();
  for (const line of output.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0 && !values.has(line.slice(0, equals))) values.set(line.slice(0, equals), line.slice(equals + 1).trim());
  }
  const state = values.get('state');
  if (state === 'taken' || state === 'changed') return { state };
  if (state !== 'held') throw new Error(`the server gave no answer Keyport understands to taking its deploy lock: ${JSON.stringify(output.slice(0, 200))}`);
  const owner: LockRecord = {};
  for (const [name, { key, valid }] of Object.entries(FIELDS)) {
    const value = values.get(name);
    if (value === undefined || !valid.test(value)) continue;
    if (key === 'pid') owner.pid = Number(value);
    else owner[key] = value;
  }
  const idle = values.get('idle');
  const idleSeconds = idle !== undefined && /^-?\d{1,12}$/.test(idle) ? Math.max(0, Number(idle)) : undefined;
  const sum = values.get('sum') ?? '';
  return { state: 'held', idleSeconds, owner: Object.keys(owner).length > 0 ? owner : undefined, recordSum: /^\d{1,10} \d{1,12}$/.test(sum) ? sum : '' };
}
