import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { YEAR_MONTH_PATTERN } from './calendar.ts';

/** Every non-key response of the spec wraps its payload as { status, data, timestamp }. */
export function Envelope<T extends TSchema>(data: T) {
  return Type.Object({
    status: Type.Literal('success'),
    data,
    timestamp: Timestamp,
  });
}

export const Timestamp = Type.String({
  description: 'UTC, microsecond precision, no zone: 2025-08-05T12:00:00.000000',
  examples: ['2025-08-05T12:00:00.000000'],
});

export const ErrorBody = Type.Object({
  status: Type.Literal('error'),
  detail: Type.String(),
});

/** 409: `reason` says which conflict, so clients need not read `detail`. */
export const ConflictBody = Type.Object({
  status: Type.Literal('error'),
  detail: Type.String(),
  reason: Type.Union([Type.Literal('name_taken'), Type.Literal('ports_exhausted'), Type.Literal('uuid_taken')]),
  key_id: Type.Optional(Type.String({ description: 'name_taken or uuid_taken: the key that has the name or the uuid' })),
});

/** 507: the disk holding the agent's data is full; the change was not stored. */
export const DiskFullBody = Type.Object({
  status: Type.Literal('error'),
  detail: Type.String(),
  reason: Type.Literal('disk_full'),
});

export const ByteCount = Type.Integer({ minimum: 0, description: 'bytes' });

/** Any text: an id that no key has is a 404, whatever its shape (the spec's ids are opaque strings). */
export const KeyIdParams = Type.Object({
  key_id: Type.String({ description: 'the id POST /api/keys gave the key' }),
});
export type KeyIdParams = Static<typeof KeyIdParams>;

export const YearMonthQuery = Type.Object(
  {
    year_month: Type.Optional(
      Type.String({
        pattern: YEAR_MONTH_PATTERN,
        errorMessage: 'year_month must be a month in YYYY-MM form, e.g. 2025-08',
      }),
    ),
  },
  { additionalProperties: false },
);
export type YearMonthQuery = Static<typeof YearMonthQuery>;

/** Error responses every authenticated route can give; merged into each route's response map. */
export const commonErrors = {
  400: ErrorBody,
  401: ErrorBody,
  404: ErrorBody,
  500: ErrorBody,
  507: DiskFullBody,
} as const;

export const SuccessMessage = Type.Object({
  status: Type.Literal('success'),
  message: Type.String(),
  timestamp: Timestamp,
});

/** The answer to resetting one key's counters, live or history. */
export const KeyResetResponse = Type.Object({
  status: Type.Literal('success'),
  message: Type.String(),
  key_id: Type.String(),
  timestamp: Timestamp,
});
