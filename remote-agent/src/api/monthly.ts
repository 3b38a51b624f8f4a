import { Type } from '@sinclair/typebox';
import { ByteCount, commonErrors, Envelope, KeyIdParams, YearMonthQuery } from './common.ts';
import { endpoint } from './endpoint.ts';
import { DaysByDate, FormattedUsage, KeyIdentity } from './usage.ts';

export const MonthlyKey = Type.Object({ ...KeyIdentity, monthly_traffic: FormattedUsage });

export const AllMonthly = Envelope(
  Type.Object({
    year_month: Type.String(),
    total_keys: Type.Integer(),
    active_keys: Type.Integer({ description: 'keys with is_active true' }),
    total_traffic_bytes: ByteCount,
    total_rx_bytes: ByteCount,
    total_tx_bytes: ByteCount,
    total_connections: Type.Integer({ description: 'sum over keys of the month’s max_connections' }),
    total_sessions: Type.Integer(),
    keys: Type.Array(MonthlyKey),
    total_traffic_formatted: Type.String(),
    total_rx_formatted: Type.String(),
    total_tx_formatted: Type.String(),
  }),
);

export const KeyMonthly = Envelope(
  Type.Object({
    ...KeyIdentity,
    year_month: Type.String(),
    monthly_traffic: FormattedUsage,
    daily_breakdown: DaysByDate,
  }),
);

const tag = 'monthly';

export const getMonthlyTraffic = endpoint({
  method: 'GET', path: '/api/traffic/monthly', tag, summary: 'One month of every key (year_month defaults to the current UTC month)',
  querystring: YearMonthQuery, response: AllMonthly, errors: commonErrors,
});

export const getKeyMonthlyTraffic = endpoint({
  method: 'GET', path: '/api/keys/:key_id/traffic/monthly', tag, summary: 'One month of one key with its days',
  params: KeyIdParams, querystring: YearMonthQuery, response: KeyMonthly, errors: commonErrors,
});
