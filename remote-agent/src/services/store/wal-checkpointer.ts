import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../lib/logger.ts';

const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
const DEFAULT_EVERY_MS = 5_000;

// Its own connection, in its own thread: node:sqlite's calls are synchronous, so a checkpoint on
// the agent's connection would stop the event loop (and the API) while it writes and fsyncs.
// getBuiltinModule, not require: an eval worker is an ES module when the process runs with
// --input-type=module (or a default type of module), and require is missing there.
const WORKER_SOURCE = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
const db = new DatabaseSync(workerData.path);
db.exec('PRAGMA busy_timeout = 5000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ ok: true, row: { ...checkpoint.get() } });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error && error.message) });
  }
});
`;

export interface CheckpointResult {
  /** SQLite's answer: busy (0/1), frames in the WAL, frames copied into the database. */
  row?: { busy: number; log: number; checkpointed: number };
  ok: boolean;
  error?: string;
}

/**
 * Copies the write-ahead log into the database file from a worker thread, every few seconds,
 * instead of inside whichever commit passes SQLite's 1,000-page mark. A sampling cycle where every
 * one of 10,000 keys moved dirties a page per key in a year of daily rows (40 MB): checkpointing
 * that inside the cycle's COMMIT, with its fsync, was 400 ms of the cycle. The commit itself is
 * unchanged: the cycle's deltas and baselines are one transaction in the WAL as before.
 * When the worker cannot run, the agent's connection checkpoints by itself again.
 */
export class WalCheckpointer {
  readonly #db: DatabaseSync;
  readonly #path: string;
  readonly #everyMs: number;
  readonly #log: Logger;
  #worker: Worker | undefined;
  #timer: NodeJS.Timeout | undefined;
  #waiting: Array<(result: CheckpointResult) => void> = [];

  constructor(options: { db: DatabaseSync; path: string; log: Logger; everyMs?: number }) {
    this.#db = options.db;
    this.#path = options.path;
    this.#log = options.log;
    this.#everyMs = options.everyMs ?? DEFAULT_EVERY_MS;
  }

  get running(): boolean {
    return this.#worker !== undefined;
  }

  start(): void {
    if (this.#worker) return;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path: this.#path } });
    worker.unref();
    worker.on('message', (result: CheckpointResult) => {
      if (!result.ok) this.#log.warn(`database: checkpoint failed: ${result.error}`);
      this.#waiting.shift()?.(result);
    });
    worker.on('error', (error) => this.#fallBack(`the checkpoint worker failed: ${error.message}`));
    worker.on('exit', () => {
      if (this.#worker === worker) this.#fallBack('the checkpoint worker stopped');
    });
    this.#worker = worker;
    this.#db.exec('PRAGMA wal_autocheckpoint = 0');
    this.#timer = setInterval(() => {
      if (this.#waiting.length === 0) void this.checkpoint();
    }, this.#everyMs);
    this.#timer.unref();
  }

  /** One checkpoint now, in the worker; resolves with what SQLite answered. */
  checkpoint(): Promise<CheckpointResult> {
    const worker = this.#worker;
    if (!worker) return Promise.resolve({ ok: false, error: 'not running' });
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      worker.postMessage('checkpoint');
    });
  }

  /** Stops the worker (after a checkpoint in flight) and gives checkpointing back to the agent's connection. */
  async stop(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    clearInterval(this.#timer);
    this.#worker = undefined;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.ref();
    worker.postMessage('close');
    await exited;
    this.#settleWaiting('stopped');
    if (this.#db.isOpen) this.#db.exec(`PRAGMA wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
  }

  #fallBack(reason: string): void {
    clearInterval(this.#timer);
    this.#worker = undefined;
    this.#settleWaiting(reason);
    this.#log.warn(`database: ${reason}; the agent's connection checkpoints by itself again`);
    if (this.#db.isOpen) this.#db.exec(`PRAGMA wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
  }

  #settleWaiting(reason: string): void {
    for (const resolve of this.#waiting.splice(0)) resolve({ ok: false, error: reason });
  }
}
