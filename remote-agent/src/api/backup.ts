import { Type } from '@sinclair/typebox';
import { commonErrors, Envelope, ErrorBody } from './common.ts';
import { BINARY_CONTENT_TYPE, endpoint } from './endpoint.ts';
import { ApplyOutcome } from './system.ts';

/**
 * A server snapshot (beyond the spec): one SQLite database file, the agent's own tables (keys,
 * limits, history, settings) plus SNAPSHOT_REALITY_TABLE with the server's Reality keys. Sent
 * and taken as `application/octet-stream`: a year of history at 10,000 keys is over 100 MB, which
 * streams through the SSH channel without being held in memory as JSON.
 *
 * SNAPSHOT_REALITY_TABLE has one row: private_key, public_key, short_ids (a JSON array).
 */
export const SNAPSHOT_REALITY_TABLE = 'snapshot_reality_keys';
/** The largest snapshot POST /api/system/restore takes. */
export const SNAPSHOT_MAX_BYTES = 1024 * 1024 * 1024;
/** The names the agent gives its daily backups (keyport-YYYYMMDDTHHMMSSZ.db). */
export const DAILY_BACKUP_NAME_PATTERN = '^keyport-\\d{8}T\\d{6}Z\\.db$';

const Snapshot = Type.Unsafe<never>({ type: 'string', format: 'binary', description: `a SQLite database file (${BINARY_CONTENT_TYPE})` });

const DailyBackup = Type.Object({
  name: Type.String(),
  taken_at: Type.String({ description: 'UTC, from the name' }),
  size_bytes: Type.Integer({ minimum: 0 }),
});

export const DailyBackups = Envelope(Type.Object({ backups: Type.Array(DailyBackup, { description: 'newest first' }) }));

export const PortMoved = Type.Object({ key_id: Type.String(), key_name: Type.String(), old_port: Type.Integer(), new_port: Type.Integer() });

export const RestoreResult = Envelope(
  Type.Object({
    keys_restored: Type.Integer(),
    daily_rows_restored: Type.Integer(),
    ports_moved: Type.Array(PortMoved, { description: 'keys whose port was taken or outside this server\'s range: their links changed' }),
    xray: ApplyOutcome,
  }),
);

/** 409: the server already has keys (a snapshot is restored only onto a fresh one), or its port range is too small. */
export const RestoreRefusedBody = Type.Object({
  status: Type.Literal('error'),
  detail: Type.String(),
  reason: Type.Union([Type.Literal('server_not_fresh'), Type.Literal('ports_exhausted')]),
  keys: Type.Optional(Type.Integer({ description: 'server_not_fresh: the keys the server has' })),
});

/** 400: the snapshot is damaged, or not one of ours; `reason` is absent for a request that is wrong otherwise. */
export const RestoreBadRequest = Type.Object({
  status: Type.Literal('error'),
  detail: Type.String(),
  reason: Type.Optional(Type.Union([Type.Literal('snapshot_damaged'), Type.Literal('not_a_snapshot')])),
});

const tag = 'system';

export const getServerSnapshot = endpoint({
  method: 'GET', path: '/api/system/backup', tag,
  summary: 'A consistent snapshot of the server: its database (keys, limits, history, settings) and Reality keys',
  response: Snapshot, binaryResponse: true, errors: commonErrors,
});

export const listDailyBackups = endpoint({
  method: 'GET', path: '/api/system/backups', tag, summary: 'The daily backups the agent keeps of its database', response: DailyBackups, errors: commonErrors,
});

export const getDailyBackup = endpoint({
  method: 'GET', path: '/api/system/backups/:name', tag,
  summary: 'One daily backup as a snapshot (the Reality keys of now added)',
  params: Type.Object({ name: Type.String({ pattern: DAILY_BACKUP_NAME_PATTERN, errorMessage: 'name must be a daily backup\'s name, keyport-YYYYMMDDTHHMMSSZ.db' }) }),
  response: Snapshot, binaryResponse: true, errors: commonErrors,
});

export const restoreServer = endpoint({
  method: 'POST', path: '/api/system/restore', tag,
  summary: 'Restore a snapshot onto this server, which must have no keys: all of it or, refused, nothing',
  binaryBody: true, bodyLimitBytes: SNAPSHOT_MAX_BYTES,
  response: RestoreResult,
  errors: { ...commonErrors, 400: RestoreBadRequest, 409: RestoreRefusedBody, 413: ErrorBody, 415: ErrorBody },
});
