import type { RestoreUploads } from '../services/restore-uploads.ts';
import type { RestoreOutcome } from '../services/server-restore.ts';
import { envelope } from './traffic-json.ts';

/** A restore's outcome as POST /api/system/restore and a restore from an upload answer it. */
export function restoreResultJson(outcome: RestoreOutcome, nowMs: number) {
  return envelope(
    {
      keys_restored: outcome.keysRestored,
      daily_rows_restored: outcome.dailyRowsRestored,
      ports_moved: outcome.portsMoved.map((move) => ({ key_id: move.keyId, key_name: move.keyName, old_port: move.oldPort, new_port: move.newPort })),
      xray: outcome.xray,
    },
    nowMs,
  );
}

/** Where an upload stands, as every upload route answers it. */
export function uploadStateJson(status: ReturnType<RestoreUploads['status']>, nowMs: number) {
  return envelope(
    {
      upload_id: status.uploadId,
      size_bytes: status.sizeBytes,
      received_bytes: status.receivedBytes,
      max_chunk_bytes: status.maxChunkBytes,
      request_timeout_ms: status.requestTimeoutMs,
    },
    nowMs,
  );
}
