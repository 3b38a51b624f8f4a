import { Type } from '@sinclair/typebox';
import { commonErrors, Envelope, ErrorBody, SuccessMessage } from './common.ts';
import { endpoint } from './endpoint.ts';
import { RestoreResult, SNAPSHOT_MAX_BYTES } from './backup.ts';

/**
 * A snapshot sent in chunks for a restore (beyond the spec), for links too slow to carry a whole
 * snapshot within the agent's request timeout, or too flaky to carry it at all in one go. The
 * client announces the snapshot's size and SHA-256, sends chunks at the offset the agent has
 * (`received_bytes`), asks again after a cut, and then has it restored exactly as
 * POST /api/system/restore restores a body. A chunk is stored whole or not at all. The agent keeps
 * one upload at a time, in memory and a file of its data dir; an upload idle for an hour, and any
 * upload when the agent restarts, is discarded.
 */

/** The most bytes one chunk may carry. A client sizes its chunks to arrive well within `request_timeout_ms`. */
export const RESTORE_CHUNK_MAX_BYTES = 8 * 1024 * 1024;
/** The ids the agent gives uploads: 24 lower-case hex digits. */
export const UPLOAD_ID_PATTERN = '^[0-9a-f]{24}$';
/** An upload that no chunk has reached for this long is discarded. */
export const UPLOAD_IDLE_LIMIT_MS = 60 * 60_000;

const Sha256 = Type.String({
  pattern: '^[0-9a-f]{64}$',
  description: 'the SHA-256 of the whole snapshot, 64 lower-case hex digits',
  errorMessage: 'sha256 must be the SHA-256 of the snapshot as 64 lower-case hex digits',
});

export const CreateUploadBody = Type.Object(
  {
    size_bytes: Type.Integer({
      minimum: 1,
      maximum: SNAPSHOT_MAX_BYTES,
      description: `the snapshot's size, 1 to ${SNAPSHOT_MAX_BYTES} bytes`,
      errorMessage: `size_bytes must be the snapshot's size in bytes, from 1 to ${SNAPSHOT_MAX_BYTES}`,
    }),
    sha256: Sha256,
  },
  { additionalProperties: false },
);

export const UploadParams = Type.Object({
  upload_id: Type.String({ pattern: UPLOAD_ID_PATTERN, description: 'the id POST /api/system/restore/uploads gave', errorMessage: 'upload_id must be the id the agent gave the upload (24 hex digits)' }),
});

export const ChunkQuery = Type.Object(
  {
    offset: Type.Integer({
      minimum: 0,
      maximum: SNAPSHOT_MAX_BYTES,
      description: 'where the chunk starts in the snapshot: the upload\'s received_bytes',
      errorMessage: 'offset must be the upload\'s received_bytes, in plain decimal digits',
    }),
  },
  { additionalProperties: false },
);

export const UploadState = Envelope(
  Type.Object({
    upload_id: Type.String(),
    size_bytes: Type.Integer({ minimum: 1 }),
    received_bytes: Type.Integer({ minimum: 0, description: 'the bytes stored, from the start: where the next chunk goes' }),
    max_chunk_bytes: Type.Integer({ minimum: 1, description: 'the most bytes a chunk may carry' }),
    request_timeout_ms: Type.Integer({ minimum: 1, description: 'the agent\'s request timeout: a chunk must arrive whole within it' }),
  }),
);

/**
 * 409 of an upload: the chunk's offset is not where the upload stands, the upload is not ready for
 * what was asked, another upload is being written, or the restore's own refusals (RestoreRefusedBody).
 */
export const UploadConflictBody = Type.Object({
  status: Type.Literal('error'),
  detail: Type.String(),
  reason: Type.Union([
    Type.Literal('offset_mismatch'),
    Type.Literal('upload_incomplete'),
    Type.Literal('upload_busy'),
    Type.Literal('upload_in_progress'),
    Type.Literal('server_not_fresh'),
    Type.Literal('ports_exhausted'),
  ]),
  received_bytes: Type.Optional(Type.Integer({ minimum: 0, description: 'offset_mismatch, upload_incomplete: where the upload stands' })),
  keys: Type.Optional(Type.Integer({ description: 'server_not_fresh: the keys the server has' })),
});

/** 400 of a chunk: `reason` says when the chunk itself was refused (beyond the size announced, or empty). */
export const ChunkBadRequest = Type.Object({
  status: Type.Literal('error'),
  detail: Type.String(),
  reason: Type.Optional(Type.Union([Type.Literal('chunk_beyond_size'), Type.Literal('chunk_empty')])),
});

/** 400 of a restore from an upload: the snapshot's own refusals (RestoreBadRequest), or the bytes stored are not the ones announced. */
export const UploadRestoreBadRequest = Type.Object({
  status: Type.Literal('error'),
  detail: Type.String(),
  reason: Type.Optional(Type.Union([Type.Literal('snapshot_damaged'), Type.Literal('not_a_snapshot'), Type.Literal('sha256_mismatch')])),
  sha256: Type.Optional(Type.String({ description: 'sha256_mismatch: the SHA-256 of the bytes stored' })),
});

/** 507: the data dir's disk cannot hold the upload (when announced: `free_bytes` beside `size_bytes`) or this chunk. */
export const UploadDiskFullBody = Type.Object({
  status: Type.Literal('error'),
  detail: Type.String(),
  reason: Type.Literal('disk_full'),
  free_bytes: Type.Optional(Type.Integer({ minimum: 0 })),
  size_bytes: Type.Optional(Type.Integer({ minimum: 0 })),
});

const tag = 'system';
const uploadErrors = { ...commonErrors, 507: UploadDiskFullBody };

export const createRestoreUpload = endpoint({
  method: 'POST', path: '/api/system/restore/uploads', tag,
  summary: 'Begin a snapshot upload for a restore (beyond the spec), on a server without keys; replaces an upload no chunk is reaching now',
  body: CreateUploadBody, response: UploadState, successStatus: 201,
  errors: { ...uploadErrors, 409: UploadConflictBody },
});

export const getRestoreUpload = endpoint({
  method: 'GET', path: '/api/system/restore/uploads/:upload_id', tag,
  summary: 'Where an upload stands: the offset its next chunk goes to (after a cut, say)',
  params: UploadParams, response: UploadState, errors: uploadErrors,
});

export const putRestoreUploadChunk = endpoint({
  method: 'PUT', path: '/api/system/restore/uploads/:upload_id', tag,
  summary: 'Store the chunk at `offset`, which must be the upload\'s received_bytes: all of it or, refused or cut off, none',
  params: UploadParams, querystring: ChunkQuery, binaryBody: true, bodyLimitBytes: RESTORE_CHUNK_MAX_BYTES, response: UploadState,
  errors: { ...uploadErrors, 400: ChunkBadRequest, 409: UploadConflictBody, 413: ErrorBody, 415: ErrorBody },
});

export const restoreFromUpload = endpoint({
  method: 'POST', path: '/api/system/restore/uploads/:upload_id/restore', tag,
  summary: 'Restore the uploaded snapshot, once whole and matching its SHA-256, as POST /api/system/restore does; the upload is then gone',
  params: UploadParams, response: RestoreResult,
  errors: { ...uploadErrors, 400: UploadRestoreBadRequest, 409: UploadConflictBody },
});

export const deleteRestoreUpload = endpoint({
  method: 'DELETE', path: '/api/system/restore/uploads/:upload_id', tag,
  summary: 'Discard an upload and its bytes',
  params: UploadParams, response: SuccessMessage, errors: uploadErrors,
});
