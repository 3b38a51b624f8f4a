import { Type } from '@sinclair/typebox';
import { ByteCount, Envelope } from '../../schemas/common.ts';
import { DaysByDate, FormattedUsage, KeyIdentity } from '../../schemas/usage.ts';

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
