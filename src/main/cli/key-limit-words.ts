import { formatByteSize } from '../../shared/format/byte-size.ts';
import type { ApiKey } from '../../shared/contract/api-types.ts';
import { expiresAtMs, keyStatusAt, quotaShare, timeDistance } from '../../shared/key-limits/key-limit-status.ts';
import { formatUtc } from './format-utc.ts';

const NOTE_COLUMN_CHARACTERS = 40;
const UNIT_WORDS = { minute: 'min', hour: 'h', day: 'day' } as const;

/** The key's status as a word, judged now (a cached active key past its expiry is expired). */
export function statusWord(key: ApiKey, now: Date): string {
  return keyStatusAt(key, now.getTime());
}

/** `1.20 GB / 50.00 GB (2%)` against a quota; `-` without one. */
export function usageWords(key: ApiKey): string {
  const share = quotaShare(key);
  if (share === null || key.data_limit_bytes === null) return '-';
  return `${formatByteSize(key.used_bytes)} / ${formatByteSize(key.data_limit_bytes)} (${Math.floor(share * 100)}%)`;
}

/** `in 3 days`, `expired 2 h ago`, `-` for a key that never expires. */
export function expiryWords(key: ApiKey, now: Date): string {
  const expires = expiresAtMs(key);
  if (expires === null) return '-';
  const { past, value, unit } = timeDistance(expires, now.getTime());
  if (value === 0) return past ? 'expired just now' : 'in under a minute';
  const amount = `${value} ${UNIT_WORDS[unit]}${unit === 'day' && value !== 1 ? 's' : ''}`;
  return past ? `expired ${amount} ago` : `in ${amount}`;
}

/** The note on one line, cut to fit a table column. */
export function noteColumn(note: string): string {
  const line = note.replace(/\s+/g, ' ').trim();
  const characters = [...line];
  return characters.length <= NOTE_COLUMN_CHARACTERS ? line : `${characters.slice(0, NOTE_COLUMN_CHARACTERS - 1).join('')}…`;
}

/** Why the key's link does not work now, when its quota or expiry stops it; undefined when they do not. */
export function stoppedWords(key: ApiKey, now: Date): string | undefined {
  const status = keyStatusAt(key, now.getTime());
  if (status === 'limited') return `${key.name} has used its quota (${usageWords(key)}), so its link does not work until the quota is raised${key.data_limit_reset === 'no_reset' ? '' : ' or its next period starts'}`;
  if (status === 'expired') return `${key.name} ${expiryWords(key, now)}, so its link does not work until its expiry is moved on`;
  return undefined;
}

/** A sentence of the key's limits, after it was made or changed. */
export function limitsSentence(key: ApiKey, now: Date): string {
  const quota =
    key.data_limit_bytes === null
      ? 'no quota'
      : `quota ${formatByteSize(key.data_limit_bytes)}${key.data_limit_reset === 'no_reset' ? '' : ` a ${key.data_limit_reset}`}, ${formatByteSize(key.used_bytes)} used`;
  const expiry = key.expires_at === null ? 'never expires' : `${expiryWords(key, now).startsWith('expired') ? '' : 'expires '}${expiryWords(key, now)} (${formatUtc(key.expires_at)})`;
  return `Status ${statusWord(key, now)}, ${quota}, ${expiry}${key.note === '' ? '' : `, note "${noteColumn(key.note)}"`}.`;
}
