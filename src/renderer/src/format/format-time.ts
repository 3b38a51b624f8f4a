import { formattingLocale, t } from '../i18n/i18n.ts';

/**
 * The agent writes UTC timestamps without a zone (`2025-08-05T12:00:00.000000`); the console's own
 * are ISO 8601 with `Z`.
 */
export function parseTimestamp(timestamp: string): Date {
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(timestamp);
  return new Date(hasZone ? timestamp : `${timestamp}Z`);
}

const formats = new Map<string, Intl.DateTimeFormat>();

function utcFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const locale = formattingLocale();
  const id = `${locale} ${JSON.stringify(options)}`;
  let format = formats.get(id);
  if (!format) formats.set(id, (format = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' })));
  return format;
}

/**
 * A moment in the chosen language, in UTC and saying so: the agent's days, quota periods and
 * expiries are UTC, so every time beside them is too.
 */
export function formatUtcTime(timestamp: string | number | null | undefined): string {
  if (timestamp === null || timestamp === undefined || timestamp === '') return t('common.never');
  const date = typeof timestamp === 'number' ? new Date(timestamp) : parseTimestamp(timestamp);
  if (Number.isNaN(date.getTime())) return String(timestamp);
  return t('time.utc', { time: utcFormat({ dateStyle: 'medium', timeStyle: 'short' }).format(date) });
}

/** A UTC day (YYYY-MM-DD) in the chosen language: "Aug 5, 2025", "5 авг. 2025 г."; `short` leaves out the year. */
export function formatDay(day: string, { short = false } = {}): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return utcFormat(short ? { month: 'short', day: 'numeric' } : { dateStyle: 'medium' }).format(date);
}

/** A month (YYYY-MM) in the chosen language: "August 2025"; `short`: "Aug 2025". */
export function formatMonth(yearMonth: string, { short = false } = {}): string {
  const date = new Date(`${yearMonth}-01T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return yearMonth;
  return utcFormat({ year: 'numeric', month: short ? 'short' : 'long' }).format(date);
}
