import { isCalendarDate } from '../../api/calendar.ts';

/** Where a page of GET /api/traffic/days ended: the last (key_id, day) it held. */
export interface DaysCursor {
  keyId: string;
  day: string;
}

/** Opaque to clients (base64url JSON), so the order it encodes may change without a new API. */
export function writeDaysCursor(cursor: DaysCursor): string {
  return Buffer.from(JSON.stringify([cursor.keyId, cursor.day])).toString('base64url');
}

/** The cursor `writeDaysCursor` gave, or null for any other text. */
export function readDaysCursor(text: string): DaysCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [keyId, day] = parsed as unknown[];
  if (typeof keyId !== 'string' || keyId === '' || typeof day !== 'string' || !isCalendarDate(day)) return null;
  return { keyId, day };
}
