import { DATA_LIMIT_RESETS } from '../../shared/agent-api.ts';
import type { KeyLimits } from '../../shared/contract/api-types.ts';
import { parseDataSize, type DataSizeProblem } from '../../shared/key-limits/data-size.ts';
import { parseExpiry, type ExpiryProblem } from '../../shared/key-limits/expiry-input.ts';
import { parseResetPeriod } from '../../shared/key-limits/reset-period.ts';
import { UsageError } from './usage-error.ts';

/** The flags that set a key's limits, as parseArgs takes them. */
export const KEY_LIMIT_OPTIONS = {
  limit: { type: 'string' },
  reset: { type: 'string' },
  expires: { type: 'string' },
  note: { type: 'string' },
} as const;

export const KEY_LIMIT_USAGE = '[--limit SIZE] [--reset PERIOD] [--expires WHEN] [--note TEXT]';

type LimitFlagValues = Partial<Record<keyof typeof KEY_LIMIT_OPTIONS, string>>;

/**
 * The limits the flags give, as of a moment (`--expires +30d` counts from it). Each is checked when
 * the command line is parsed, so a bad one is a usage error naming its flag and nothing is sent.
 * `--limit none` clears a quota and `--expires never` an expiry.
 */
export function limitFlags(values: LimitFlagValues): (now: Date) => KeyLimits {
  limitsAt(values, new Date(0));
  return (now) => limitsAt(values, now);
}

function limitsAt(values: LimitFlagValues, now: Date): KeyLimits {
  const limits: KeyLimits = {};
  if (values.limit !== undefined) {
    if (values.limit.trim().toLowerCase() === 'none') limits.data_limit_bytes = null;
    else {
      const size = parseDataSize(values.limit);
      if (!size.ok) throw new UsageError(sizeProblemWords('--limit', values.limit, size.problem));
      limits.data_limit_bytes = size.bytes;
    }
  }
  if (values.reset !== undefined) {
    const period = parseResetPeriod(values.reset);
    if (period === undefined) throw new UsageError(`--reset must be one of ${DATA_LIMIT_RESETS.join(', ')} (got '${values.reset}')`);
    limits.data_limit_reset = period;
  }
  if (values.expires !== undefined) {
    if (values.expires.trim().toLowerCase() === 'never') limits.expires_at = null;
    else {
      const expiry = parseExpiry(values.expires, now.getTime());
      if (!expiry.ok) throw new UsageError(expiryProblemWords('--expires', values.expires, expiry.problem));
      limits.expires_at = expiry.expiresAt;
    }
  }
  if (values.note !== undefined) limits.note = values.note;
  return limits;
}

function sizeProblemWords(flag: string, text: string, problem: DataSizeProblem): string {
  switch (problem) {
    case 'not-a-size':
      return `${flag} must be a size such as 50GiB, 500MiB or 1.5TiB (1024-based, as Keyport shows sizes; 50GB means the same), a number of bytes, or none (got '${text}')`;
    case 'unknown-unit':
      return `${flag} '${text}': the unit must be B, KiB, MiB, GiB, TiB or PiB (1024-based; KB, MB, GB, TB, PB alike)`;
    case 'too-large':
      return `${flag} '${text}' is more than the largest quota, 8 PiB`;
  }
}

function expiryProblemWords(flag: string, text: string, problem: ExpiryProblem): string {
  switch (problem) {
    case 'not-a-date':
      return `${flag} must be a day (2027-03-01, meaning 00:00 UTC), a UTC time (2027-03-01T18:00), a time from now (+30d, +2w, +12h), or never (got '${text}')`;
    case 'no-such-date':
      return `${flag} '${text}' is not a date and time that exists`;
  }
}
