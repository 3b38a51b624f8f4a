import { coalesce } from './coalesce.ts';

/**
 * A write that follows changes without running once per change: `schedule()` marks the file
 * stale and writes it `delayMs` later, and never sooner than `delayMs` after the last write ended,
 * so while changes flow the file is written at that pace, whatever the number of changes. A write
 * that takes longer than `delayMs` (a large file) waits as long as it took, so writing never takes
 * more than half the time while changes flow.
 */
export class DeferredWrite {
  readonly #write: () => Promise<void>;
  readonly #delayMs: number;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #stale = false;
  #running = 0;
  #lastDurationMs = 0;
  #last: Promise<void> = Promise.resolve();

  constructor(write: () => Promise<void>, delayMs: number, onError: (error: unknown) => void) {
    this.#write = coalesce(write);
    this.#delayMs = delayMs;
    this.#onError = onError;
  }

  /** Whether a change waits for the next write. */
  get stale(): boolean {
    return this.#stale;
  }

  schedule(): void {
    this.#stale = true;
    this.#arm();
  }

  /** A write that starts after this call, so it holds every change made before it. */
  now(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#stale = false;
    this.#running += 1;
    const startedMs = performance.now();
    const run = this.#write();
    void run.then(
      () => (this.#lastDurationMs = performance.now() - startedMs),
      () => undefined,
    );
    this.#last = run;
    void run.then(this.#settled, this.#settled);
    return run;
  }

  /** Resolves once every change scheduled before the call is written (or rejects as that write did). */
  flush(): Promise<void> {
    return this.#stale ? this.now() : this.#last;
  }

  readonly #settled = () => {
    this.#running -= 1;
    this.#arm();
  };

  #arm(): void {
    if (!this.#stale || this.#timer || this.#running > 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.now().catch(this.#onError);
    }, Math.max(this.#delayMs, this.#lastDurationMs));
    // A pending write never keeps the process alive: shutdown flushes it.
    this.#timer.unref();
  }
}
