import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ResponseOf, restoreFromUpload, getRestoreUpload } from '../../../../remote-agent/src/api/index.ts';
import { KeyportError, isKeyportError } from '../../../shared/contract/errors.ts';
import type { AgentClient } from '../agent-client/agent-client.ts';

export type RestoreReport = ResponseOf<typeof restoreFromUpload>['data'];
type UploadState = ResponseOf<typeof getRestoreUpload>['data'];

/** How a restore goes: bytes on the server so far, a link lost and tried again, the restore itself. */
export type RestoreProgress =
  | { stage: 'uploading'; sentBytes: number; totalBytes: number }
  | { stage: 'reconnecting'; attempt: number; attempts: number; waitMs: number; sentBytes: number; totalBytes: number; reason: string }
  | { stage: 'restoring'; totalBytes: number };

export interface RestoreUploadOptions {
  onProgress?: (progress: RestoreProgress) => void;
  /** The waits before each try after a failed call, one per try; the link reconnects by itself when used. */
  retryDelaysMs?: readonly number[];
}

/**
 * About a minute in all (a laptop's Wi-Fi changing networks, an SSH connection dropped by a NAT),
 * in step with the SSH link's own backoff between attempts to connect (ssh-link.ts).
 */
const DEFAULT_RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000];
/** The first chunk, small enough to arrive within the request timeout over a 100 kbit/s link. */
const FIRST_CHUNK_BYTES = 256 * 1024;
const MIN_CHUNK_BYTES = 64 * 1024;
/** A chunk is sized to take this share of the agent's request timeout at the rate the last one went. */
const CHUNK_SHARE_OF_TIMEOUT = 0.25;
const MAX_GROWTH = 4;

/**
 * Sends the snapshot file at `path` to the agent in chunks and has it restored. A chunk is sized
 * from the rate the last one went, so each arrives well within the agent's request timeout however
 * slow the link. A call that fails on the way (the link cut, a timeout, a 408) is tried again after
 * a wait, from where the agent says the upload stands, up to `retryDelaysMs.length` times in a row;
 * an upload the agent no longer has (it restarted) starts over. Any other refusal is passed on, and
 * the upload discarded.
 */
export async function uploadAndRestore(client: AgentClient, path: string, options: RestoreUploadOptions = {}): Promise<RestoreReport> {
  const onProgress = options.onProgress ?? (() => undefined);
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const totalBytes = (await stat(path)).size;
  const sha256 = await sha256Of(path);
  const begin = async () => (await client.createRestoreUpload(totalBytes, sha256)).data;
  let upload = await begin();
  onProgress({ stage: 'uploading', sentBytes: 0, totalBytes });
  const file = await open(path, 'r');
  try {
    let chunkBytes = FIRST_CHUNK_BYTES;
    let failures = 0;
    let standing: 'known' | 'ask' = 'known';
    while (standing === 'ask' || upload.received_bytes < totalBytes) {
      try {
        if (standing === 'ask') {
          upload = await whereItStands(client, upload.upload_id, begin);
          standing = 'known';
          continue;
        }
        const offset = upload.received_bytes;
        const length = Math.min(chunkBytes, upload.max_chunk_bytes, totalBytes - offset);
        const startedAt = performance.now();
        upload = (await client.putRestoreUploadChunk(upload.upload_id, offset, await readChunk(file, offset, length))).data;
        chunkBytes = nextChunkBytes(length, performance.now() - startedAt, upload);
        failures = 0;
        onProgress({ stage: 'uploading', sentBytes: upload.received_bytes, totalBytes });
      } catch (error) {
        if (!worthAnotherTry(error)) throw error;
        if (failures >= delays.length) {
          throw new KeyportError(error.code, `${error.message} (given up after ${failures} tries; ${upload.received_bytes} of ${totalBytes} bytes had arrived)`, {
            ...error.facts,
            sentBytes: upload.received_bytes,
            totalBytes,
          });
        }
        const waitMs = delays[failures]!;
        failures += 1;
        chunkBytes = Math.max(MIN_CHUNK_BYTES, Math.floor(chunkBytes / 2));
        standing = 'ask';
        onProgress({ stage: 'reconnecting', attempt: failures, attempts: delays.length, waitMs, sentBytes: upload.received_bytes, totalBytes, reason: error.message });
        await sleep(waitMs);
      }
    }
  } catch (error) {
    // Refused, it is of no use; cut off, it stays on the server (a new upload replaces it, or it goes within the hour).
    if (!worthAnotherTry(error)) await client.deleteRestoreUpload(upload.upload_id).catch(() => undefined);
    throw error;
  } finally {
    await file.close();
  }
  onProgress({ stage: 'restoring', totalBytes });
  try {
    return (await client.restoreFromUpload(upload.upload_id)).data;
  } catch (error) {
    if (!worthAnotherTry(error)) throw error;
    throw new KeyportError('server-offline', `the link to the server broke while it restored the snapshot, which it may have finished (${error.message}): list its keys to see`, {
      ...error.facts,
      stage: 'restore',
    });
  }
}

/** The upload as the agent has it now; one it no longer has (restarted, or idle too long) is begun again. */
async function whereItStands(client: AgentClient, uploadId: string, begin: () => Promise<UploadState>): Promise<UploadState> {
  try {
    return (await client.getRestoreUpload(uploadId)).data;
  } catch (error) {
    if (isKeyportError(error) && error.code === 'not-found') return begin();
    throw error;
  }
}

/** A failure on the way, not the agent's refusal: the link, a deadline, or a chunk at an offset the agent has moved past. */
function worthAnotherTry(error: unknown): error is KeyportError {
  if (!isKeyportError(error)) return false;
  const { reason, httpStatus } = error.facts;
  return error.code === 'server-offline' || reason === 'connection-lost' || reason === 'timeout' || reason === 'offset_mismatch' || httpStatus === 408;
}

/** The size of the next chunk: the share of the request timeout the last one's rate gives, grown at most fourfold. */
function nextChunkBytes(lastBytes: number, lastMs: number, upload: UploadState): number {
  const rate = lastBytes / Math.max(lastMs, 1);
  const fitting = Math.floor(rate * upload.request_timeout_ms * CHUNK_SHARE_OF_TIMEOUT);
  return Math.max(MIN_CHUNK_BYTES, Math.min(fitting, lastBytes * MAX_GROWTH, upload.max_chunk_bytes));
}

async function readChunk(file: FileHandle, offset: number, length: number): Promise<Buffer> {
  const chunk = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const { bytesRead } = await file.read(chunk, read, length - read, offset + read);
    if (bytesRead === 0) throw new KeyportError('internal', `the snapshot file ended at ${offset + read} bytes while it was being sent`);
    read += bytesRead;
  }
  return chunk;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
