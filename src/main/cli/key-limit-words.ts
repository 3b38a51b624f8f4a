import { formatByteSize } from '../../shared/format/byte-size.ts';
import type { DataLimitReset } from '../../shared/agent-api.ts';
import type { ApiKey } from '../../shared/contract/api-types.ts';
import { expiresAtMs, keyStatusAt, quotaShare, timeDistance } from '../../shared/key-limits/key-limit-status.ts';
import { formatUtc } from './format-utc.ts';
import type { CliWords } from './i18n/cli-i18n.ts';

const NOTE_COLUMN_CHARACTERS = 40;

/** The key's status as a word, judged now (a cached active key past its expiry is expired). */
export function statusWord(t: CliWords, key: ApiKey, now: Date): string {
  return t(`keyWords.status.${keyStatusAt(key, now.getTime())}`);
}

/** The RESET column: the period a quota starts again, `-` without one. */
export function resetWord(t: CliWords, key: Pick<ApiKey, 'data_limit_bytes' | 'data_limit_reset'>): string {
  return key.data_limit_bytes === null || key.data_limit_reset === 'no_reset' ? '-' : t(`keyWords.reset.${key.data_limit_reset}`);
}

/** `1.20 GiB / 50.00 GiB (2%)` against a quota; `-` without one. */
export function usageWords(t: CliWords, key: ApiKey): string {
  const share = quotaShare(key);
  if (share === null || key.data_limit_bytes === null) return '-';
  return t('keyWords.usage', { used: formatByteSize(key.used_bytes), limit: formatByteSize(key.data_limit_bytes), percent: Math.floor(share * 100) });
}

/** `in 3 days`, `expired 2 h ago`, `-` for a key that never expires. */
export function expiryWords(t: CliWords, key: ApiKey, now: Date): string {
  const expires = expiresAtMs(key);
  if (expires === null) return '-';
  const { past, value, unit } = timeDistance(expires, now.getTime());
  if (value === 0) return past ? t('keyWords.expiredJustNow') : t('keyWords.underMinute');
  const amount = t(`keyWords.${unit}`, { count: value });
  return past ? t('keyWords.expiredAgo', { amount }) : t('keyWords.expiresIn', { amount });
}

/** The note on one line, cut to fit a table column. */
export function noteColumn(note: string): string {
  const line = note.replace(/\s+/g, ' ').trim();
  const characters = [...line];
  return characters.length <= NOTE_COLUMN_CHARACTERS ? line : `${characters.slice(0, NOTE_COLUMN_CHARACTERS - 1).join('')}…`;
}

/** Why the key's link does not work now, when its quota or expiry stops it; undefined when they do not. */
export function stoppedWords(t: CliWords, key: ApiKey, now: Date): string | undefined {
  const status = keyStatusAt(key, now.getTime());
  if (status === 'limited') {
    return t(key.data_limit_reset === 'no_reset' ? 'keyWords.stoppedLimited' : 'keyWords.stoppedLimitedPeriod', { name: key.name, usage: usageWords(t, key) });
  }
  if (status === 'expired') return t('keyWords.stoppedExpired', { name: key.name, expiry: expiryWords(t, key, now) });
  return undefined;
}

function quotaWords(t: CliWords, key: ApiKey): string {
  if (key.data_limit_bytes === null) return t('keyWords.noQuota');
  const amounts = { limit: formatByteSize(key.data_limit_bytes), used: formatByteSize(key.used_bytes) };
  const reset: DataLimitReset = key.data_limit_reset;
  return reset === 'no_reset' ? t('keyWords.quota', amounts) : t(`keyWords.quotaPer.${reset}`, amounts);
}

/** A sentence of the key's limits, after it was made or changed. */
export function limitsSentence(t: CliWords, key: ApiKey, now: Date): string {
  const expiresMs = expiresAtMs(key);
  const expiry =
    key.expires_at === null
      ? t('keyWords.neverExpires')
      : t(expiresMs !== null && expiresMs <= now.getTime() ? 'keyWords.expired' : 'keyWords.expires', { expiry: expiryWords(t, key, now), time: formatUtc(key.expires_at) });
  const words = { status: statusWord(t, key, now), quota: quotaWords(t, key), expiry };
  return key.note === '' ? t('keyWords.sentence', words) : t('keyWords.sentenceWithNote', { ...words, note: noteColumn(key.note) });
}
