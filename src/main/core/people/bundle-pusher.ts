import { BUNDLES_BULK_MAX, BUNDLES_BULK_MAX_BODY_BYTES } from '../../../../remote-agent/src/api/index.ts';
import { isKeyportError } from '../../../shared/contract/errors.ts';
import type { ServerOutcome } from '../../../shared/contract/people.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import { SNAPSHOTS } from '../cache/snapshot-kinds.ts';
import type { ServerCalls } from '../services/server-calls.ts';
import { usageFigures, type BundleUsage } from './bundle-usage.ts';
import { outcome } from './server-outcome.ts';

/** One key's bundle to write: what is left out stays as the agent has it. */
export interface BundleEntry {
  key_id: string;
  links?: string[];
  usage?: BundleUsage | null;
}

// Room for the `{"bundles":[...]}` around the entries.
const BODY_SLACK_BYTES = 1024;

/**
 * Writes bundles onto one server through the agent's bulk write (PUT /api/bundles), as few calls
 * as its limits allow, and notes in the cache the usage each key was given, so that a later sync
 * pushes only the figures that changed.
 */
export class BundlePusher {
  readonly #cache: ConsoleCache;
  readonly #calls: ServerCalls;

  constructor(cache: ConsoleCache, calls: ServerCalls) {
    this.#cache = cache;
    this.#calls = calls;
  }

  /** One outcome per bulk call; a refused or offline call is reported, and the calls after it are still made. */
  async push(serverId: string, server: string, entries: readonly BundleEntry[]): Promise<ServerOutcome[]> {
    const outcomes: ServerOutcome[] = [];
    for (const batch of bundleBatches(entries)) {
      outcomes.push(await outcome(server, `bundles of ${batch.length} key(s)`, () => this.#write(serverId, batch)));
    }
    return outcomes;
  }

  /**
   * All or none, as the agent writes them. A key deleted since it was read refuses the lot
   * (unknown_key, its index): it needs no bundle any more, so the others go again without it.
   */
  async #write(serverId: string, batch: BundleEntry[]): Promise<void> {
    let left = batch;
    for (;;) {
      try {
        await this.#calls.write(serverId, () => ({
          send: (client) => client.putBundles(left),
          record: (_answer, syncedAt) => this.#notePushed(serverId, left, syncedAt),
        }));
        return;
      } catch (error) {
        const index = isKeyportError(error) && error.code === 'not-found' ? error.facts.index : undefined;
        if (typeof index !== 'number' || left[index] === undefined) throw error;
        left = left.filter((_, position) => position !== index);
        if (left.length === 0) return;
      }
    }
  }

  /** Keys gone from the server are dropped from the note as it is written. */
  #notePushed(serverId: string, entries: readonly BundleEntry[], syncedAt: string): void {
    const present = new Set(this.#cache.listKeys(serverId)?.keys.map((key) => key.id));
    const pushed = Object.fromEntries(Object.entries(this.pushedFigures(serverId)).filter(([keyId]) => present.has(keyId)));
    for (const entry of entries) if (entry.usage !== undefined) pushed[entry.key_id] = usageFigures(entry.usage);
    this.#cache.putSnapshot(serverId, ...SNAPSHOTS.pushedUsage, pushed, syncedAt);
  }

  /** The usage figures last pushed to each key of the server; a key not in it has none. */
  pushedFigures(serverId: string): Readonly<Record<string, string>> {
    return this.#cache.getSnapshot(serverId, ...SNAPSHOTS.pushedUsage)?.data ?? {};
  }
}

/** The entries in calls the agent takes: at most BUNDLES_BULK_MAX each, and bodies under its limit. */
export function bundleBatches(entries: readonly BundleEntry[], maxBodyBytes = BUNDLES_BULK_MAX_BODY_BYTES): BundleEntry[][] {
  const batches: BundleEntry[][] = [];
  let batch: BundleEntry[] = [];
  let bytes = BODY_SLACK_BYTES;
  for (const entry of entries) {
    const size = Buffer.byteLength(JSON.stringify(entry)) + 1;
    if (batch.length > 0 && (batch.length === BUNDLES_BULK_MAX || bytes + size > maxBodyBytes)) {
      batches.push(batch);
      batch = [];
      bytes = BODY_SLACK_BYTES;
    }
    batch.push(entry);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
