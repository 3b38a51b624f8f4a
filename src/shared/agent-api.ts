/**
 * The pieces of the agent's published API (remote-agent/src/api/) that every layer of the console
 * runs, the renderer too: how sizes are written, what a date and a month are, what a key name may
 * be, a key's limits, the API's version.
 * Pure functions and constants, so nothing of the agent's server side comes along (key-limits.ts
 * also builds its few TypeBox schemas on load; the contract's argument schemas bring TypeBox anyway).
 */
export { API_VERSION } from '../../remote-agent/src/api/version.ts';
export { BYTE_UNITS, byteUnit, formatBytes, type ByteUnit } from '../../remote-agent/src/api/format-bytes.ts';
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
export { checkKeyName, keyNameFold, type KeyNameCheck, type KeyNameProblem } from '../../remote-agent/src/api/key-name.ts';
export { checkLinkHost, hostInUrl, type LinkHostCheck } from '../../remote-agent/src/api/link-host.ts';
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
