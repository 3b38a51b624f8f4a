/**
 * Requests per client, as token buckets: each holds up to `capacity` and refills at `perMinute`.
 * At most `maxClients` buckets are kept; when full, the buckets that have refilled (idle clients)
 * go first, then the oldest.
 */
export class TokenBuckets {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #maxClients: number;
  readonly #buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(options: { capacity: number; perMinute: number; maxClients: number }) {
    this.#capacity = options.capacity;
    this.#perMs = options.perMinute / 60_000;
    this.#maxClients = options.maxClients;
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one token of `client`'s bucket: 0 when there was one, else the milliseconds until there is. */
  take(client: string, nowMs: number): number {
    let bucket = this.#buckets.get(client);
    if (bucket) {
      bucket.tokens = Math.min(this.#capacity, bucket.tokens + (nowMs - bucket.atMs) * this.#perMs);
      bucket.atMs = nowMs;
    } else {
      if (this.#buckets.size >= this.#maxClients) this.#makeRoom(nowMs);
      bucket = { tokens: this.#capacity, atMs: nowMs };
      this.#buckets.set(client, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.#perMs);
  }

  #makeRoom(nowMs: number): void {
    for (const [client, bucket] of this.#buckets) {
      if (bucket.tokens + (nowMs - bucket.atMs) * this.#perMs >= this.#capacity) this.#buckets.delete(client);
    }
    if (this.#buckets.size < this.#maxClients) return;
    const oldest = this.#buckets.keys().next().value;
    if (oldest !== undefined) this.#buckets.delete(oldest);
  }
}
