import { Type } from '@sinclair/typebox';
import { DATE_PATTERN } from './calendar.ts';
import { ByteCount, Timestamp } from './common.ts';

/** A key's identity as history and monthly entries show it. */
export const KeyIdentity = {
  key_id: Type.String(),
  key_uuid: Type.String({ description: 'the key’s VLESS uuid' }),
  key_name: Type.String(),
  port: Type.Integer(),
  created_at: Timestamp,
  last_activity: Type.Union([Timestamp, Type.Null()], { description: 'last sampling cycle that saw bytes; null before any' }),
  is_active: Type.Boolean(),
};

export const DayUsage = Type.Object({
  total_bytes: ByteCount,
  rx_bytes: ByteCount,
  tx_bytes: ByteCount,
  max_connections: Type.Integer({ description: 'highest sampled number of established connections' }),
  sessions: Type.Integer({ description: 'new TCP connections accepted' }),
});

export const FormattedUsage = Type.Object({
  ...DayUsage.properties,
  total_formatted: Type.String(),
  rx_formatted: Type.String(),
  tx_formatted: Type.String(),
});

export const DaysByDate = Type.Record(Type.String({ pattern: DATE_PATTERN }), DayUsage);
