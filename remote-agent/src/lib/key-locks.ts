/**
 * Runs work on one key strictly one task after another, in call order, while work on different
 * keys runs at once. Exclusive work (a sync, a reconcile, moving every port) waits until the keyed
 * work called before it has finished, and keyed work called after it waits until it has finished.
 * Every task waits only for tasks called before it, so no order of calls can deadlock; a task must
 * not wait for a task it queues itself.
 */
export class KeyLocks {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #inFlight = new Set<Promise<void>>();
  #exclusiveTail: Promise<void> = Promise.resolve();

  forKey<T>(keyId: string, task: () => Promise<T>): Promise<T> {
    const result = settledAll([this.#tails.get(keyId), this.#exclusiveTail]).then(task);
    const done = quiet(result);
    this.#tails.set(keyId, done);
    this.#inFlight.add(done);
    void done.then(() => {
      this.#inFlight.delete(done);
      if (this.#tails.get(keyId) === done) this.#tails.delete(keyId);
    });
    return result;
  }

  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = settledAll([this.#exclusiveTail, ...this.#inFlight]).then(task);
    this.#exclusiveTail = quiet(result);
    return result;
  }
}

const quiet = (promise: Promise<unknown>): Promise<void> => promise.then(
  () => undefined,
  () => undefined,
);

const settledAll = (promises: ReadonlyArray<Promise<void> | undefined>): Promise<void> =>
  Promise.all(promises).then(() => undefined);
