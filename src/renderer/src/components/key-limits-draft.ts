import { KEY_NOTE_MAX_CHARACTERS, type DataLimitReset } from '../../../shared/agent-api.ts';
import type { ApiKey, KeyLimits } from '../../../shared/contract/api-types.ts';
import { parseExpiry } from '../../../shared/key-limits/expiry-input.ts';
import { formatBytes } from '../format/format-bytes.ts';
import { readDataSize } from '../format/data-size-input.ts';
import { t } from '../i18n/i18n.ts';

/** A key's limits as the form holds them: the text typed, the period picked, a UTC day or '' for never. */
export interface KeyLimitsDraft {
  quota: string;
  reset: DataLimitReset;
  /** YYYY-MM-DD (what a date input gives), the key expiring at 00:00 UTC that day; '' never expires. */
  expiryDay: string;
  note: string;
}

export type KeyLimitsDraftErrors = Partial<Record<'quota' | 'expiryDay' | 'note', string>>;

export type KeyLimitsRead = { ok: true; limits: KeyLimits } | { ok: false; errors: KeyLimitsDraftErrors };

export const NO_LIMITS_DRAFT: KeyLimitsDraft = { quota: '', reset: 'no_reset', expiryDay: '', note: '' };

const DAY_MS = 86_400_000;

/** The form as it starts for a key that has limits already. */
export function draftOfKey(key: Pick<ApiKey, 'data_limit_bytes' | 'data_limit_reset' | 'expires_at' | 'note'>): KeyLimitsDraft {
  return {
    quota: key.data_limit_bytes === null ? '' : formatBytes(key.data_limit_bytes),
    reset: key.data_limit_reset,
    expiryDay: key.expires_at?.slice(0, 10) ?? '',
    note: key.note,
  };
}

/**
 * The limits to send: only the fields that differ from `initial` (so a quota shown rounded, "46.57 GB",
 * is not written back rounded when only the note changed), each read by the shared rules.
 */
export function readKeyLimitsDraft(draft: KeyLimitsDraft, initial: KeyLimitsDraft, nowMs: number): KeyLimitsRead {
  const limits: KeyLimits = {};
  const errors: KeyLimitsDraftErrors = {};
  const quota = draft.quota.trim();
  if (quota !== initial.quota.trim()) {
    if (quota === '') limits.data_limit_bytes = null;
    else {
      const size = readDataSize(quota);
      if (size.ok) limits.data_limit_bytes = size.bytes;
      else errors.quota = t(`limits.problem.${size.problem}`);
    }
  }
  if (draft.reset !== initial.reset) limits.data_limit_reset = draft.reset;
  if (draft.expiryDay !== initial.expiryDay) {
    if (draft.expiryDay === '') limits.expires_at = null;
    else {
      const expiry = parseExpiry(draft.expiryDay, nowMs);
      if (expiry.ok) limits.expires_at = expiry.expiresAt;
      else errors.expiryDay = t('limits.problem.badDay');
    }
  }
  if (draft.note !== initial.note) {
    if ([...draft.note].length > KEY_NOTE_MAX_CHARACTERS) errors.note = t('limits.problem.noteTooLong', { max: KEY_NOTE_MAX_CHARACTERS });
    else limits.note = draft.note;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, limits };
}

export function isDraftChanged(draft: KeyLimitsDraft, initial: KeyLimitsDraft): boolean {
  return draft.quota.trim() !== initial.quota.trim() || draft.reset !== initial.reset || draft.expiryDay !== initial.expiryDay || draft.note !== initial.note;
}

/** "+30 days": 30 days after the day shown, or after today (UTC) when none is shown or it has passed. */
export function dayPlusDays(expiryDay: string, days: number, nowMs: number): string {
  const today = new Date(nowMs).toISOString().slice(0, 10);
  const from = expiryDay !== '' && expiryDay > today ? expiryDay : today;
  return new Date(Date.parse(`${from}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
