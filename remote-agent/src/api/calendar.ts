/**
 * Days and months as the API writes them: UTC, `YYYY-MM-DD` and `YYYY-MM`. A date is a real
 * calendar day (2025-02-30 and 2025-13-45 are none); a month's number is 01 to 12. The agent, the
 * console's core, its cache and every face judge dates and months with these, and no other rule.
 */

/** The form of a date; `isCalendarDate` also checks that the day exists. */
export const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
/** The form of a month, which is the whole rule. */
export const YEAR_MONTH_PATTERN = '^[0-9]{4}-(0[1-9]|1[0-2])$';

const DATE_FORM = new RegExp(DATE_PATTERN);
const YEAR_MONTH_FORM = new RegExp(YEAR_MONTH_PATTERN);

/** A month by numbers (1 to 12), as the console's contract passes it. */
export interface YearMonthParts {
  year: number;
  month: number;
}

/** True for a real calendar date in YYYY-MM-DD form (rejects 2025-02-30). */
export function isCalendarDate(text: string): boolean {
  if (!DATE_FORM.test(text)) return false;
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Gregorian, years 0000 to 9999 alike (Date.UTC would read 0000-0099 as 1900-1999). */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True for a month in YYYY-MM form (rejects 2025-13). */
export function isYearMonth(text: string): boolean {
  return YEAR_MONTH_FORM.test(text);
}

/** A YYYY-MM month's numbers, or null when the text is not one. */
export function parseYearMonth(text: string): YearMonthParts | null {
  if (!isYearMonth(text)) return null;
  const [year, month] = text.split('-').map(Number) as [number, number];
  return { year, month };
}

/** A month's numbers written as YYYY-MM (whether it is a month is `isYearMonth`'s to say). */
export function formatYearMonth({ year, month }: YearMonthParts): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/** The UTC calendar day (YYYY-MM-DD) an instant falls on. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The UTC month (YYYY-MM) an instant falls on. */
export function utcMonth(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** The first and last day (inclusive) of a YYYY-MM month. */
export function monthBounds(yearMonth: string): { firstDay: string; lastDay: string } {
  const [year, month] = yearMonth.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { firstDay: `${yearMonth}-01`, lastDay: `${yearMonth}-${String(last).padStart(2, '0')}` };
}
