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

/** The most rows one page of GET /api/traffic/days holds: a year of 10,000 keys used every day is 37 pages. */
export const TRAFFIC_DAYS_MAX_LIMIT = 100_000;
export const TRAFFIC_DAYS_DEFAULT_LIMIT = 50_000;

export const TrafficDaysQuery = Type.Object(
  {
    since: Type.Optional(
      Type.String({
        pattern: DATE_PATTERN,
        description: 'first UTC day to include (YYYY-MM-DD); every day the agent holds when left out',
        errorMessage: 'since must be a calendar date in YYYY-MM-DD form, e.g. 2025-08-05',
      }),
    ),
    after: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 400,
        description: 'the `next` of the page before, as it was given; the first page when left out',
        errorMessage: 'after must be the next cursor of a page of GET /api/traffic/days, as given',
      }),
    ),
    limit: Type.Integer({
      minimum: 1,
      maximum: TRAFFIC_DAYS_MAX_LIMIT,
      default: TRAFFIC_DAYS_DEFAULT_LIMIT,
      description: `daily rows per page, 1-${TRAFFIC_DAYS_MAX_LIMIT}`,
      errorMessage: `limit must be a whole number of rows from 1 to ${TRAFFIC_DAYS_MAX_LIMIT} in plain decimal digits`,
    }),
  },
  { additionalProperties: false },
);

/** One daily row, compact: the fields of DayUsage without total_bytes (it is rx + tx). */
export const DayRow = Type.Tuple([Type.String({ description: 'day, YYYY-MM-DD (UTC)' }), ByteCount, ByteCount, Type.Integer(), Type.Integer()], {
  description: '[day, rx_bytes, tx_bytes, max_connections, sessions]',
});

export const TrafficDaysPage = Envelope(
  Type.Object({
    since: Type.Union([Type.String(), Type.Null()], { description: 'the since asked for; null for all days' }),
    rows: Type.Integer({ minimum: 0, description: 'daily rows on this page' }),
    keys: Type.Array(
      Type.Object({ key_id: Type.String(), days: Type.Array(DayRow, { description: 'oldest first' }) }),
      { description: 'by key_id (byte order), each key once per page; a key may go on on the next page' },
    ),
    next: Type.Union([Type.String(), Type.Null()], { description: 'pass as `after` for the next page; null on the last one' }),
  }),
);

/** 400 of GET /api/traffic/days: `reason` names the query value refused when the handler refused it. */
export const TrafficDaysBadRequest = Type.Object({
  status: Type.Literal('error'),
  detail: Type.String(),
  reason: Type.Optional(Type.Union([Type.Literal('bad_since'), Type.Literal('bad_cursor')])),
});

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

export const getTrafficDays = endpoint({
  method: 'GET', path: '/api/traffic/days', tag,
  summary: 'Daily rows of every key since a day, paged by a cursor (beyond the spec): a console fills its cache in a few calls',
  querystring: TrafficDaysQuery, response: TrafficDaysPage, errors: { ...commonErrors, 400: TrafficDaysBadRequest },
  plainJson: true,
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
