import { Type } from '@sinclair/typebox';
import { DATE_PATTERN } from './calendar.ts';
import { ByteCount, commonErrors, Envelope, KeyIdParams, KeyResetResponse, Timestamp } from './common.ts';
import { endpoint } from './endpoint.ts';
import { DaysByDate, DayUsage, KeyIdentity } from './usage.ts';

export const LifetimeTraffic = Type.Object({
  total_bytes: ByteCount,
  rx_bytes: ByteCount,
  tx_bytes: ByteCount,
  total_connections: Type.Integer({ description: 'new connections since the key was created (or its history reset)' }),
  total_formatted: Type.String(),
  rx_formatted: Type.String(),
  tx_formatted: Type.String(),
});

export const KeyHistorySummary = Type.Object({ ...KeyIdentity, total_traffic: LifetimeTraffic });

export const AllHistory = Envelope(
  Type.Object({
    total_keys: Type.Integer(),
    active_keys: Type.Integer({ description: 'keys with is_active true' }),
    total_traffic_bytes: ByteCount,
    total_rx_bytes: ByteCount,
    total_tx_bytes: ByteCount,
    keys: Type.Array(KeyHistorySummary),
    total_traffic_formatted: Type.String(),
    total_rx_formatted: Type.String(),
    total_tx_formatted: Type.String(),
  }),
);

export const KeyHistory = Envelope(Type.Object({ ...KeyHistorySummary.properties, daily_stats: DaysByDate }));

export const DateParams = Type.Object({
  date: Type.String({ pattern: DATE_PATTERN, errorMessage: 'date must be a calendar date in YYYY-MM-DD form' }),
});

export const DailyReport = Envelope(
  Type.Object({
    date: Type.String(),
    total_bytes: ByteCount,
    rx_bytes: ByteCount,
    tx_bytes: ByteCount,
    total_connections: Type.Integer({ description: 'sum over keys of the day’s max_connections' }),
    active_keys: Type.Integer({ description: 'keys that moved bytes or opened connections that day' }),
    total_sessions: Type.Integer(),
    total_formatted: Type.String(),
  }),
);

/** Beyond the spec: one day per key, so a console can show and sort "today" for thousands of keys in one call. */
export const DailyKeysReport = Envelope(
  Type.Object({
    date: Type.String(),
    keys: Type.Record(Type.String(), DayUsage, { description: 'by key_id; keys without traffic or connections that day are left out' }),
  }),
);

export const CleanupQuery = Type.Object(
  {
    days_to_keep: Type.Integer({
      minimum: 1,
      maximum: 3650,
      default: 30,
      description: 'UTC days of history to keep, today included; plain decimal digits only (no sign, no leading zero, no exponent)',
      errorMessage: 'days_to_keep must be a whole number of days from 1 to 3650 in plain decimal digits, e.g. 30',
    }),
  },
  { additionalProperties: false },
);

export const CleanupResponse = Type.Object({
  status: Type.Literal('success'),
  message: Type.String(),
  days_kept: Type.Integer(),
  deleted_daily_rows: Type.Integer(),
  deleted_samples: Type.Integer(),
  timestamp: Timestamp,
});

const tag = 'history';

export const getTrafficHistory = endpoint({
  method: 'GET', path: '/api/traffic/history', tag, summary: 'Lifetime traffic of every key',
  response: AllHistory, errors: commonErrors,
});

export const getKeyTrafficHistory = endpoint({
  method: 'GET', path: '/api/keys/:key_id/traffic/history', tag, summary: 'Lifetime traffic of one key with its daily rows',
  params: KeyIdParams, response: KeyHistory, errors: commonErrors,
});

export const getDailyTraffic = endpoint({
  method: 'GET', path: '/api/traffic/daily/:date', tag, summary: 'One UTC day across all keys',
  params: DateParams, response: DailyReport, errors: commonErrors,
});

export const getDailyKeysTraffic = endpoint({
  method: 'GET', path: '/api/traffic/daily/:date/keys', tag,
  summary: 'One UTC day per key (beyond the spec): the keys that moved bytes or opened connections that day',
  params: DateParams, response: DailyKeysReport, errors: commonErrors,
});

export const resetKeyTrafficHistory = endpoint({
  method: 'POST', path: '/api/keys/:key_id/traffic/history/reset', tag,
  summary: 'Clear one key’s history: lifetime totals and daily rows (live counters stay)',
  params: KeyIdParams, response: KeyResetResponse, errors: commonErrors,
});

export const cleanupTrafficHistory = endpoint({
  method: 'POST', path: '/api/traffic/history/cleanup', tag,
  summary: 'Delete daily rows and samples older than days_to_keep UTC days (lifetime totals stay)',
  querystring: CleanupQuery, response: CleanupResponse, errors: commonErrors,
});
