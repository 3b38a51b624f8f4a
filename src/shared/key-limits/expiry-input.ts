import { isCalendarDate } from '../agent-api.ts';
import { parseExpiresAt } from '../agent-api.ts';

/**
 * An expiry as an admin types it: a day (`2027-03-01`, meaning 00:00 UTC that day), a spec
 * timestamp (`2027-03-01T12:30:00`, UTC, seconds and fraction optional, a trailing Z taken), or a
 * time from now (`+30d`, `+2w`, `+12h`, `+30 days`). The answer is the spec's timestamp form.
 */
export type ExpiryProblem = 'not-a-date' | 'no-such-date';
export type ExpiryParse = { ok: true; expiresAt: string } | { ok: false; problem: ExpiryProblem };

const HOUR_MS = 3_600_000;
const RELATIVE = /^\+\s*(\d{1,6})\s*(h|hours?|d|days?|w|weeks?)$/i;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?Z?$/i;

export function parseExpiry(text: string, nowMs: number): ExpiryParse {
  const trimmed = text.trim();
  const relative = RELATIVE.exec(trimmed);
  if (relative) {
    const unit = relative[2]!.toLowerCase()[0]!;
    const hours = Number(relative[1]) * (unit === 'h' ? 1 : unit === 'd' ? 24 : 24 * 7);
    return { ok: true, expiresAt: specTimestamp(nowMs + hours * HOUR_MS) };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    return isCalendarDate(trimmed) ? { ok: true, expiresAt: `${trimmed}T00:00:00.000000` } : { ok: false, problem: 'no-such-date' };
  }
  const dateTime = DATE_TIME.exec(trimmed);
  if (!dateTime) return { ok: false, problem: 'not-a-date' };
  const [, day, hour, minute, second = '00', fraction = ''] = dateTime as unknown as [string, string, string, string, string?, string?];
  const ms = parseExpiresAt(`${day}T${hour}:${minute}:${second}${fraction}`);
  return ms === undefined ? { ok: false, problem: 'no-such-date' } : { ok: true, expiresAt: specTimestamp(ms) };
}

/** Epoch milliseconds as the spec writes a timestamp: UTC, microseconds, no zone. */
export function specTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000`;
}
