import { DATA_LIMIT_RESETS } from '../agent-api.ts';
import type { KeyLimits } from '../contract/api-types.ts';
import { KeyportError } from '../contract/errors.ts';
import type { KeyBatchEntry } from '../contract/key-batch.ts';
import { parseNameRecords } from '../name-list.ts';
import { parseDataSize } from './data-size.ts';
import { parseExpiry } from './expiry-input.ts';
import { parseResetPeriod } from './reset-period.ts';

/** The columns of a key list beside `name`; any other column is left alone. */
export const KEY_LIST_COLUMNS = ['limit', 'reset', 'expires', 'note'] as const;

export interface KeyList {
  /** A bare name for a row without limits, else the name with the limits its cells give. */
  keys: KeyBatchEntry[];
  lines: number[];
}

/**
 * A list of keys to create: one name per line, or a CSV whose header has `name` and, each optional,
 * `limit` (a size as parseDataSize reads it, or `none`), `reset` (day, week, month, year, no_reset),
 * `expires` (as parseExpiry reads it, or `never`) and `note`. An empty cell gives nothing, so limits
 * shared by the whole list apply to that row. A bad cell is `bad-input` naming its line and column.
 */
export function parseKeyList(text: string, nowMs: number): KeyList {
  const records = parseNameRecords(text);
  const keys = records.names.map((name, index): KeyBatchEntry => {
    const limits = rowLimits(records.columns[index]!, records.lines[index]!, nowMs);
    return Object.keys(limits).length === 0 ? name : { name, ...limits };
  });
  return { keys, lines: records.lines };
}

function rowLimits(cells: Record<string, string>, line: number, nowMs: number): KeyLimits {
  const limits: KeyLimits = {};
  const refuse = (column: (typeof KEY_LIST_COLUMNS)[number], problem: string, rule: string): never => {
    throw new KeyportError('bad-input', `line ${line}, column "${column}": "${cells[column]}" ${rule}`, { line, column, value: cells[column]!, problem });
  };
  const { limit = '', reset = '', expires = '', note = '' } = cells;
  if (limit !== '') {
    const size = limit.toLowerCase() === 'none' ? { ok: true as const, bytes: null } : parseDataSize(limit);
    if (!size.ok) refuse('limit', size.problem, 'is not a size such as 50GB (1024-based), a number of bytes, or none');
    else limits.data_limit_bytes = size.bytes;
  }
  if (reset !== '') {
    const period = parseResetPeriod(reset);
    if (period === undefined) refuse('reset', 'unknown-reset', `is not one of ${DATA_LIMIT_RESETS.join(', ')}`);
    limits.data_limit_reset = period;
  }
  if (expires !== '') {
    const expiry = expires.toLowerCase() === 'never' ? { ok: true as const, expiresAt: null } : parseExpiry(expires, nowMs);
    if (!expiry.ok) refuse('expires', expiry.problem, 'is not a day (2027-03-01, 00:00 UTC), a UTC time, +30d from now, or never');
    else limits.expires_at = expiry.expiresAt;
  }
  if (note !== '') limits.note = note;
  return limits;
}
