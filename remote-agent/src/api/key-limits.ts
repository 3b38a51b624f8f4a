import { Type, type Static } from '@sinclair/typebox';
import { Timestamp } from './common.ts';

/**
 * A key's limits (beyond the spec): a data quota with a reset period, an expiry date and a note.
 * The agent enforces them every sampling cycle, with or without a console connected.
 */

/** The reset periods, named as Marzban names them. Periods are UTC calendar ones (see the README). */
export const DATA_LIMIT_RESETS = ['no_reset', 'day', 'week', 'month', 'year'] as const;
export type DataLimitReset = (typeof DATA_LIMIT_RESETS)[number];

/** What holds for a key now: the admin's switch first, then the agent's own verdicts. */
export const KEY_STATUSES = ['active', 'disabled', 'limited', 'expired'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

export const KEY_NOTE_MAX_CHARACTERS = 500;

/** The largest quota taken: 2^53 - 1 bytes (8 PiB), the most a JSON number holds exactly. */
export const DATA_LIMIT_MAX_BYTES = Number.MAX_SAFE_INTEGER;

export const DataLimitBytes = Type.Union(
  [Type.Integer({ minimum: 0, maximum: DATA_LIMIT_MAX_BYTES }), Type.Null()],
  {
    description: 'the data quota in bytes (rx + tx in the current period); null: no quota',
    errorMessage: 'data_limit_bytes must be a whole number of bytes, 0 or more, or null for no limit',
  },
);

export const DataLimitReset = Type.Union(
  DATA_LIMIT_RESETS.map((name) => Type.Literal(name)),
  {
    description:
      'when used_bytes starts again from 0: no_reset, or at each UTC day (00:00), week (Monday 00:00), ' +
      'month (the 1st, 00:00) or year (1 January, 00:00); the first period starts when the limit is set',
    errorMessage: `data_limit_reset must be one of ${DATA_LIMIT_RESETS.join(', ')}`,
  },
);

/** A UTC moment as the spec writes it, a trailing Z taken; that it exists is checked by parseExpiresAt. */
export const UTC_TIMESTAMP_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?Z?$';

/** Checked as a date that exists by checkExpiresAt; the pattern only bounds the text. */
export const ExpiresAt = Type.Union(
  [
    Type.String({
      pattern: UTC_TIMESTAMP_PATTERN,
      description: 'UTC, as the spec writes timestamps (2027-03-01T00:00:00.000000); a trailing Z is taken',
    }),
    Type.Null(),
  ],
  {
    description: 'when the key stops working (UTC); null: never',
    errorMessage: 'expires_at must be a UTC timestamp such as 2027-03-01T00:00:00.000000, or null',
  },
);

export const KeyNote = Type.String({
  maxLength: KEY_NOTE_MAX_CHARACTERS * 2,
  description: `free text for the admin, up to ${KEY_NOTE_MAX_CHARACTERS} characters`,
  errorMessage: `note must be text of at most ${KEY_NOTE_MAX_CHARACTERS} characters`,
});

/** The limits a create or an update may set, each optional. */
export const KeyLimitsFields = {
  data_limit_bytes: Type.Optional(DataLimitBytes),
  data_limit_reset: Type.Optional(DataLimitReset),
  expires_at: Type.Optional(ExpiresAt),
  note: Type.Optional(KeyNote),
};

/** What every key object carries about its limits, settable and read-only. */
export const KeyLimitsState = {
  data_limit_bytes: DataLimitBytes,
  data_limit_reset: DataLimitReset,
  expires_at: Type.Union([Timestamp, Type.Null()]),
  note: Type.String(),
  status: Type.Union(
    KEY_STATUSES.map((name) => Type.Literal(name)),
    {
      description:
        'active; disabled (is_active false, the admin’s switch); limited (used_bytes reached data_limit_bytes); ' +
        'expired (expires_at has passed). Limited and expired keys are cut and blocked as disabled ones are',
    },
  ),
  used_bytes: Type.Integer({ minimum: 0, description: 'rx + tx bytes of the current period (since period_started_at)' }),
  period_started_at: Type.Union([Timestamp, Type.Null()], {
    description: 'when the current period began: when the limit was set, or the last reset; null while the key has no quota',
  }),
};
export type KeyLimitsState = { [K in keyof typeof KeyLimitsState]: Static<(typeof KeyLimitsState)[K]> };

export type KeyLimitsCheck =
  | { ok: true; expiresAtMs: number | null }
  | { ok: false; field: 'expires_at' | 'note'; detail: string };

const EXPIRES_AT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z?$/;

/** expires_at as epoch milliseconds; undefined for text that is no real UTC moment (2027-02-30, 24:00). */
export function parseExpiresAt(text: string): number | undefined {
  const match = EXPIRES_AT.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const fraction = match[7] ?? '';
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const back = new Date(ms);
  const same =
    back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day &&
    back.getUTCHours() === hour &&
    back.getUTCMinutes() === minute &&
    back.getUTCSeconds() === second;
  return same && year >= 1970 ? ms : undefined;
}

/** The checks a schema cannot make: expires_at is a date that exists, note fits as a reader counts it. */
export function checkKeyLimits(fields: { expires_at?: string | null; note?: string }): KeyLimitsCheck {
  if (fields.note !== undefined && [...fields.note].length > KEY_NOTE_MAX_CHARACTERS) {
    return { ok: false, field: 'note', detail: `note must be text of at most ${KEY_NOTE_MAX_CHARACTERS} characters` };
  }
  if (fields.expires_at === undefined || fields.expires_at === null) return { ok: true, expiresAtMs: null };
  const ms = parseExpiresAt(fields.expires_at);
  if (ms === undefined) {
    return { ok: false, field: 'expires_at', detail: `expires_at ${JSON.stringify(fields.expires_at)} is not a date and time that exists (UTC)` };
  }
  return { ok: true, expiresAtMs: ms };
}
