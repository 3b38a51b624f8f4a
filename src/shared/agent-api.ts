/**
 * The pieces of the agent's published API (remote-agent/src/api/) that every layer of the console
 * runs, the renderer too: how sizes are written, what a date and a month are, what a key name may
 * be, a key's limits, the API's version.
 * Pure functions and constants, no schema, so nothing of the agent's server side comes along.
 */
export { API_VERSION } from '../../remote-agent/src/api/version.ts';
export { formatBytes } from '../../remote-agent/src/api/format-bytes.ts';
export {
  formatYearMonth,
  isCalendarDate,
  isYearMonth,
  monthBounds,
  parseYearMonth,
  utcDay,
  utcMonth,
  type YearMonthParts,
} from '../../remote-agent/src/api/calendar.ts';
export { checkKeyName, keyNameFold, type KeyNameCheck } from '../../remote-agent/src/api/key-name.ts';
export {
  checkKeyLimits,
  DATA_LIMIT_MAX_BYTES,
  DATA_LIMIT_RESETS,
  KEY_NOTE_MAX_CHARACTERS,
  KEY_STATUSES,
  parseExpiresAt,
  type DataLimitReset,
  type KeyStatus,
} from '../../remote-agent/src/api/key-limits.ts';
