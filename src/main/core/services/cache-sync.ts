import type { HistoryOverview } from '../../../shared/contract/api-types.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { Keys, System, Traffic } from '../../../shared/contract/services.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import { SNAPSHOTS } from '../cache/snapshot-kinds.ts';
import { findServer } from './server-directory.ts';
import type { TrafficService } from './traffic-service.ts';

const KEY_HISTORY_CONCURRENCY = 4;

export interface SyncDeps {
  cache: ConsoleCache;
  keys: Keys;
  traffic: Traffic;
  /** Reads the host figures (the read keeps them in the cache); without it, a sync leaves them as they were. */
  system?: Pick<System, 'host'>;
  /** The agent's bulk read of daily rows; without it, or from an agent that lacks it, each moved key's history is read alone. */
  days?: Pick<TrafficService, 'syncDays'>;
  /** What a background pass does once every server had its turn (push the bundles' usage that changed). */
  afterPass?: () => Promise<unknown>;
}

/**
 * Refreshes everything the offline views need for one server: keys, live traffic, the history
 * overview, this month, today, the host figures, and the daily rows of the keys that moved bytes or opened
 * connections since the last sync (all keys the first time). The rows come from the agent's bulk
 * read, a few pages of every key's days since the day the last complete pass began (all days the
 * first time, or after a long gap, read beside the other reads), and only when some key moved; each moved key's summary is its
 * entry in the history overview. So a pass over 10,000 keys costs a handful of calls whether one
 * key moved or all of them. Reads go through the services, so the mirroring rules live in one place.
 */
export async function syncServer(deps: SyncDeps, serverName: string): Promise<void> {
  const server = findServer(deps.cache, serverName);
  const previous = deps.cache.getSnapshot(server.id, ...SNAPSHOTS.syncedUsage)?.data ?? {};
  const daysSince = deps.cache.getSnapshot(server.id, ...SNAPSHOTS.syncedDays)?.data.since;
  const keys = await deps.keys.list(serverName);
  if (keys.source === 'cache') throw new KeyportError('server-offline', `${serverName} is offline; kept the data of ${keys.syncedAt}`);
  const today = new Date().toISOString().slice(0, 10);
  // A first read takes every day whatever moved: it starts now, and its pages are filed while the
  // agent answers the reads below.
  const firstRead = daysSince === undefined ? deps.days?.syncDays(serverName, undefined) : undefined;
  const reads = Promise.all([
    deps.traffic.live(serverName),
    deps.traffic.history(serverName),
    deps.traffic.monthly(serverName),
    deps.traffic.daily(serverName, today),
    hostFigures(deps, serverName),
  ]);
  // Both settle before the pass goes on or fails: a read left running would still be filing pages.
  const [readsDone, firstReadDone] = await Promise.allSettled([reads, firstRead]);
  if (readsDone.status === 'rejected') throw readsDone.reason;
  const [, history] = readsDone.value;
  if (history.source === 'cache') throw new KeyportError('server-offline', `${serverName} went offline during the sync`);
  if (firstReadDone.status === 'rejected') throw firstReadDone.reason;
  const usage = Object.fromEntries(history.data.keys.map((entry) => [entry.key_id, usageOf(entry)]));
  const queue = Object.keys(usage).filter((keyId) => previous[keyId] !== usage[keyId]);
  const bulkNeeded = deps.days !== undefined && queue.length > 0;
  const readFrom = firstRead ? (firstReadDone.value ?? null) : bulkNeeded ? await deps.days!.syncDays(serverName, daysSince) : null;
  if (readFrom !== null) {
    const entries = new Map(history.data.keys.map((entry) => [entry.key_id, entry]));
    deps.cache.batch(() => {
      for (const keyId of queue) deps.cache.putSnapshot(server.id, ...SNAPSHOTS.keyHistorySummary(keyId), entries.get(keyId)!, history.syncedAt);
    });
  } else {
    const worker = async () => {
      for (let keyId = queue.shift(); keyId; keyId = queue.shift()) await deps.traffic.keyHistory(serverName, keyId);
    };
    await Promise.all(Array.from({ length: KEY_HISTORY_CONCURRENCY }, worker));
  }
  // Written last: a pass cut short leaves the old usage, so the next pass fetches those keys again.
  deps.cache.batch(() => {
    deps.cache.putSnapshot(server.id, ...SNAPSHOTS.syncedUsage, usage, history.syncedAt);
    if (readFrom !== null) deps.cache.putSnapshot(server.id, ...SNAPSHOTS.syncedDays, { since: readFrom }, history.syncedAt);
  });
}

/** Reads the host figures; an agent older than them (404) is synced without. */
async function hostFigures(deps: SyncDeps, serverName: string): Promise<void> {
  try {
    await deps.system?.host(serverName);
  } catch (error) {
    if (!(error instanceof KeyportError) || error.code !== 'not-found') throw error;
  }
}

/** A key's lifetime usage in one string: when it differs from the last sync's, the key has new days. */
function usageOf(entry: HistoryOverview['keys'][number]): string {
  return `${entry.total_traffic.total_bytes}/${entry.total_traffic.total_connections}/${entry.last_activity ?? ''}`;
}

/** Syncs every deployed server now and then, one at a time, while a long-lived face runs. */
export class BackgroundSync {
  readonly #deps: SyncDeps;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(deps: SyncDeps, intervalMs = 5 * 60_000) {
    this.#deps = deps;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#runInBackground(), this.#intervalMs);
    this.#timer.unref();
    this.#runInBackground();
  }

  /** A pass nobody awaits must not reject: Node would end the face's process. The next tick tries again. */
  #runInBackground(): void {
    this.runOnce().catch(() => undefined);
  }

  /** One pass over the fleet; a server that fails is skipped until the next pass. */
  runOnce(): Promise<void> {
    this.#running ??= (async () => {
      for (const server of this.#deps.cache.listServers()) {
        if (!server.agent) continue;
        await syncServer(this.#deps, server.id).catch(() => undefined);
      }
      await this.#deps.afterPass?.().catch(() => undefined);
    })().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }
}
