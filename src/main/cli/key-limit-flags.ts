import { DATA_LIMIT_RESETS } from '../../shared/agent-api.ts';
import type { KeyLimits } from '../../shared/contract/api-types.ts';
import { parseDataSize, type DataSizeProblem } from '../../shared/key-limits/data-size.ts';
import { parseExpiry, type ExpiryProblem } from '../../shared/key-limits/expiry-input.ts';
import { parseResetPeriod } from '../../shared/key-limits/reset-period.ts';
import { UsageError, type UsageWords } from './usage-error.ts';

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
    if (period === undefined) throw new UsageError((t) => t('usageError.reset', { periods: DATA_LIMIT_RESETS.join(', '), text: values.reset! }));
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

const SIZE_PROBLEMS = { 'not-a-size': 'usageError.notASize', 'unknown-unit': 'usageError.unknownUnit', 'too-large': 'usageError.tooLarge' } as const;
const EXPIRY_PROBLEMS = { 'not-a-date': 'usageError.notADate', 'no-such-date': 'usageError.noSuchDate' } as const;

function sizeProblemWords(flag: string, text: string, problem: DataSizeProblem): UsageWords {
  return (t) => t(SIZE_PROBLEMS[problem], { flag, text });
}

function expiryProblemWords(flag: string, text: string, problem: ExpiryProblem): UsageWords {
  return (t) => t(EXPIRY_PROBLEMS[problem], { flag, text });
}
