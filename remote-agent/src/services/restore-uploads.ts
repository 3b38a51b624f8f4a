import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, statfs, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { addAbortSignal, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RESTORE_CHUNK_MAX_BYTES, UPLOAD_IDLE_LIMIT_MS } from '../api/restore-uploads.ts';
import { badRequest, conflict, HttpError, notFound } from '../lib/http-error.ts';
import type { RestoreOutcome } from './server-restore.ts';

export interface RestoreUploadsOptions {
  /** The uploads' own dir in the data dir, emptied at start: uploads do not outlive the agent. */
  dir: string;
  /** The agent's request timeout, which a chunk must arrive within: told to clients. */
  requestTimeoutMs: number;
  /** The keys the server has: an upload is for a server without keys. */
  keysPresent: () => number;
  /** Restores a whole snapshot file, as POST /api/system/restore does, and removes it. */
  restoreFile: (path: string) => Promise<RestoreOutcome>;
  now: () => number;
}

export interface UploadStatus {
  uploadId: string;
  sizeBytes: number;
  receivedBytes: number;
  maxChunkBytes: number;
  requestTimeoutMs: number;
}

interface Upload {
  id: string;
  sizeBytes: number;
  sha256: string;
  receivedBytes: number;
  path: string;
  lastChunkAtMs: number;
  /** The chunk being stored now; a newer chunk for the upload stops it (its sender's link may be dead). */
  writing?: { stop: AbortController; done: Promise<unknown> };
  /** Its bytes are being checked for a restore: nothing else may touch it. */
  restoring: boolean;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Snapshots received in chunks for a restore: one upload at a time, its bytes in a file of its own
 * (0600, in a dir of the agent's, named by an id the agent made, never by what a client sent). A
 * chunk is stored whole or, refused, cut off or out of room, not at all (the file is cut back to
 * where it was), so `received_bytes` is always a point the client can resume from.
 */
export class RestoreUploads {
  readonly #o: RestoreUploadsOptions;
  #upload: Upload | undefined;
  #sweeper: NodeJS.Timeout | undefined;
  #creating: Promise<unknown> = Promise.resolve();

  constructor(options: RestoreUploadsOptions) {
    this.#o = options;
  }

  /** At start: what uploads a stopped agent left (a snapshot holds the Reality keys), and the stale-upload sweep. */
  async start(): Promise<void> {
    await rm(this.#o.dir, { recursive: true, force: true });
    await mkdir(this.#o.dir, { recursive: true, mode: 0o700 });
    // A file the sweep could not remove is no upload any more, and goes at the next start.
    this.#sweeper = setInterval(() => void this.sweep().catch(() => undefined), SWEEP_INTERVAL_MS);
    this.#sweeper.unref();
  }

  stop(): void {
    clearInterval(this.#sweeper);
  }

  /** One create at a time, so that two racing ones cannot both become the upload. */
  create(sizeBytes: number, sha256: string): Promise<UploadStatus> {
    const created = this.#creating.then(() => this.#create(sizeBytes, sha256));
    this.#creating = created.catch(() => undefined);
    return created;
  }

  async #create(sizeBytes: number, sha256: string): Promise<UploadStatus> {
    const present = this.#o.keysPresent();
    if (present > 0) {
      throw conflict(`this server has ${present} key(s): a snapshot is uploaded only to be restored onto a server without keys; nothing was stored`, {
        reason: 'server_not_fresh',
        keys: present,
      });
    }
    const busy = this.#upload && (this.#upload.writing || this.#upload.restoring) ? this.#upload : undefined;
    if (busy) throw conflict(`another upload (${busy.id}) is being ${busy.restoring ? 'restored' : 'written'} now; nothing was stored`, { reason: 'upload_in_progress' });
    // The upload this one replaces gives its room back.
    const freeBytes = (await statfs(this.#o.dir).then((info) => info.bavail * info.bsize)) + (this.#upload?.receivedBytes ?? 0);
    if (freeBytes < sizeBytes) {
      throw new HttpError(507, `the disk holding ${this.#o.dir} has ${freeBytes} bytes free, too few for a snapshot of ${sizeBytes} bytes; nothing was stored: free space there and try again`, {
        reason: 'disk_full',
        free_bytes: freeBytes,
        size_bytes: sizeBytes,
      });
    }
    if (this.#upload) await this.#remove(this.#upload);
    const id = randomBytes(12).toString('hex');
    const path = join(this.#o.dir, `${id}.part`);
    await writeFile(path, '', { mode: 0o600, flag: 'wx' });
    const upload: Upload = { id, sizeBytes, sha256, receivedBytes: 0, path, lastChunkAtMs: this.#o.now(), restoring: false };
    this.#upload = upload;
    return this.#status(upload);
  }

  status(id: string): UploadStatus {
    return this.#status(this.#find(id));
  }

  /** Stores `chunk` at `offset`, which must be where the upload stands. */
  async write(id: string, offset: number, chunk: Readable): Promise<UploadStatus> {
    const upload = this.#find(id);
    refuseWhileRestoring(upload);
    // The newest chunk wins: one still arriving is from a sender that has since asked where the upload stands.
    await stopWriting(upload);
    if (this.#upload !== upload) throw gone(id);
    refuseWhileRestoring(upload);
    if (offset !== upload.receivedBytes) {
      throw conflict(`the chunk starts at ${offset}, but the upload has ${upload.receivedBytes} bytes: send the chunk at offset ${upload.receivedBytes}; nothing was stored`, {
        reason: 'offset_mismatch',
        received_bytes: upload.receivedBytes,
      });
    }
    const stop = new AbortController();
    const storing = storeChunk(upload.path, offset, upload.sizeBytes, chunk, stop.signal);
    upload.writing = { stop, done: storing.catch(() => undefined) };
    try {
      const bytes = await storing;
      upload.receivedBytes = offset + bytes;
      upload.lastChunkAtMs = this.#o.now();
      return this.#status(upload);
    } finally {
      upload.writing = undefined;
    }
  }

  /** Restores the upload once whole and matching its SHA-256 (refused and kept otherwise); once tried, it is gone whatever the outcome. */
  async restore(id: string): Promise<RestoreOutcome> {
    const upload = this.#find(id);
    refuseWhileRestoring(upload);
    if (upload.receivedBytes < upload.sizeBytes) {
      throw conflict(`the upload has ${upload.receivedBytes} of its ${upload.sizeBytes} bytes: send the rest first; nothing was changed`, {
        reason: 'upload_incomplete',
        received_bytes: upload.receivedBytes,
      });
    }
    upload.restoring = true;
    let stored: string;
    try {
      // A chunk can be under way only to fail (the upload is whole): it is stopped before the bytes are read.
      await stopWriting(upload);
      stored = await sha256Of(upload.path);
    } finally {
      upload.restoring = false;
    }
    if (stored !== upload.sha256) {
      throw badRequest(`the ${upload.sizeBytes} bytes uploaded have the SHA-256 ${stored}, not the ${upload.sha256} announced; nothing was changed`, {
        reason: 'sha256_mismatch',
        sha256: stored,
      });
    }
    this.#upload = undefined;
    return this.#o.restoreFile(upload.path);
  }

  async discard(id: string): Promise<void> {
    const upload = this.#find(id);
    refuseWhileRestoring(upload);
    await this.#remove(upload);
  }

  /** Discards an upload no chunk has reached for UPLOAD_IDLE_LIMIT_MS. */
  async sweep(): Promise<void> {
    const upload = this.#upload;
    if (upload && !upload.writing && !upload.restoring && this.#o.now() - upload.lastChunkAtMs > UPLOAD_IDLE_LIMIT_MS) await this.#remove(upload);
  }

  async #remove(upload: Upload): Promise<void> {
    if (this.#upload === upload) this.#upload = undefined;
    await stopWriting(upload);
    await rm(upload.path, { force: true });
  }

  #find(id: string): Upload {
    if (this.#upload?.id !== id) throw gone(id);
    return this.#upload;
  }

  #status(upload: Upload): UploadStatus {
    return {
      uploadId: upload.id,
      sizeBytes: upload.sizeBytes,
      receivedBytes: upload.receivedBytes,
      maxChunkBytes: RESTORE_CHUNK_MAX_BYTES,
      requestTimeoutMs: this.#o.requestTimeoutMs,
    };
  }
}

const gone = (id: string) => notFound(`no upload ${id}: it was restored, discarded, idle for too long, or the agent restarted since`);

/** Stops the chunk being stored, if any, and waits until its file is cut back. */
async function stopWriting(upload: Upload): Promise<void> {
  while (upload.writing) {
    upload.writing.stop.abort();
    await upload.writing.done;
  }
}

function refuseWhileRestoring(upload: Upload): void {
  if (upload.restoring) throw conflict(`the upload ${upload.id} is being restored now`, { reason: 'upload_busy' });
}

/**
 * Writes `chunk` into the file at `offset`, ending at `sizeBytes` at most; on any failure (too
 * long, cut off, stopped, a full disk) the file is cut back to `offset` and the failure passed on.
 * A chunk refused here is still read to its end, so that its sender gets the answer.
 */
async function storeChunk(path: string, offset: number, sizeBytes: number, chunk: Readable, signal: AbortSignal): Promise<number> {
  let bytes = 0;
  let failure: unknown;
  const file = await open(path, 'r+');
  try {
    for await (const piece of addAbortSignal(signal, chunk) as AsyncIterable<Buffer>) {
      if (failure !== undefined) continue;
      if (bytes + piece.length > RESTORE_CHUNK_MAX_BYTES) failure = new HttpError(413, `a chunk may be at most ${RESTORE_CHUNK_MAX_BYTES} bytes; nothing was stored`);
      else if (offset + bytes + piece.length > sizeBytes) failure = badRequest(`the chunk goes past the ${sizeBytes} bytes the upload announced; nothing was stored`, { reason: 'chunk_beyond_size' });
      else {
        await writeAll(file, piece, offset + bytes).catch((error: unknown) => (failure = error));
        bytes += piece.length;
      }
    }
  } catch {
    if (signal.aborted) failure = conflict('a newer chunk for this upload came in, or it was discarded; this one was not stored', { reason: 'upload_busy' });
    // Its sender is gone, and nothing hears this answer: a cut is not a fault of the agent's.
    else failure = badRequest('the chunk was cut off before its end; nothing was stored');
  } finally {
    await file.close();
  }
  if (failure === undefined && bytes === 0) failure = badRequest('the chunk is empty; nothing was stored', { reason: 'chunk_empty' });
  if (failure !== undefined) {
    await truncate(path, offset);
    throw failure;
  }
  return bytes;
}

/** A write may store less than it was given (a disk filling up says so only at the next write). */
async function writeAll(file: FileHandle, bytes: Buffer, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) done += (await file.write(bytes, done, bytes.length - done, position + done)).bytesWritten;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
