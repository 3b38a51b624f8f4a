import type { KeyCycleDelta } from '../store/traffic-store.ts';
import { serves, type KeyLimits, type KeyRecord, type KeyStore, type LimitStatus, type LimitsUpdate } from '../store/key-store.ts';
import { nextPeriodStart, periodFloor } from './quota-periods.ts';

/** How far past the moment a key's rate says it reaches its quota its check is aimed: a share of the time to it, and a little more. */
const REACH_MARGIN = 0.05;
const REACH_MARGIN_MS = 50;

/** What the per-cycle check needs of a key with a quota or an expiry, kept as plain numbers. */
interface Tracked {
  limitBytes: number | null;
  expiresAtMs: number | null;
  /** When the next period begins; undefined without a quota or without resets. */
  nextPeriodMs: number | undefined;
  usedBytes: number;
  status: LimitStatus;
}

/** The agent's verdict: expired before limited, as an expired key is refused whatever it used. */
export function limitStatusOf(limits: Pick<KeyLimits, 'dataLimitBytes' | 'expiresAtMs'>, usedBytes: number, nowMs: number): LimitStatus {
  if (limits.expiresAtMs !== null && nowMs >= limits.expiresAtMs) return 'expired';
  if (limits.dataLimitBytes !== null && usedBytes >= limits.dataLimitBytes) return 'limited';
  return 'active';
}

/**
 * Keeps the period counter of each key with a quota (rx + tx since its period began) in memory,
 * beside the stored one the sampler's cycle adds to, and decides the agent's verdicts: after each cycle, at
 * start, and when a key's limits change. A cycle walks the keys that have a quota or an expiry
 * once, with numbers only; the store is written only for keys whose period or verdict changed.
 */
export class LimitTracker {
  readonly #keys: KeyStore;
  readonly #tracked = new Map<string, Tracked>();
  #lastCycleAtMs: number | undefined;
  #nextCheckAtMs: number | undefined;

  constructor(keys: KeyStore) {
    this.#keys = keys;
  }

  /** rx + tx of the key's current period; 0 without a quota. */
  usedBytes(keyId: string): number {
    const tracked = this.#tracked.get(keyId);
    return tracked?.limitBytes === null || !tracked ? 0 : tracked.usedBytes;
  }

  /**
   * Every key from the store, its period rolled on and its verdict made at `atMs` (the agent may
   * have been down across a period's end or an expiry). Returns the keys whose serving changed.
   */
  evaluateAll(atMs: number): KeyRecord[] {
    const used = this.#keys.periodUsedBytes();
    this.#tracked.clear();
    const updates: LimitsUpdate[] = [];
    for (const key of this.#keys.list()) this.track(key, used.get(key.id) ?? 0);
    for (const key of this.#keys.list()) {
      const { update } = evaluated(key, this.usedBytes(key.id), atMs);
      if (update) updates.push(update);
    }
    return this.#servingChanged(updates);
  }

  /**
   * When the limits next want a cycle, if they know: the first expiry or period start ahead, or the
   * moment a key moving bytes reaches its quota at the rate of the last cycle. The sampler runs a
   * cycle then when it comes before the next interval's (see Sampler), so a fast user's bytes over
   * the quota are about a second's, not an interval's.
   */
  get nextCheckAtMs(): number | undefined {
    return this.#nextCheckAtMs;
  }

  /** After a cycle's bytes are stored: adds them to the periods, rolls periods on, and renders verdicts. */
  afterCycle(atMs: number, deltas: readonly KeyCycleDelta[]): KeyRecord[] {
    const sinceMs = this.#lastCycleAtMs === undefined ? undefined : atMs - this.#lastCycleAtMs;
    this.#lastCycleAtMs = atMs;
    this.#nextCheckAtMs = undefined;
    if (this.#tracked.size === 0) return [];
    let nextCheckAtMs = Infinity;
    for (const delta of deltas) {
      const tracked = this.#tracked.get(delta.keyId);
      if (!tracked || tracked.limitBytes === null) continue;
      const bytes = delta.rxBytes + delta.txBytes;
      tracked.usedBytes += bytes;
      if (bytes > 0 && sinceMs !== undefined && sinceMs > 0 && tracked.usedBytes < tracked.limitBytes) {
        // Aimed a little past the moment: a rate a little slower than the last cycle's would find
        // the quota not reached yet, and the next try comes only EARLY_CYCLE_MIN_MS later.
        const reachInMs = ((tracked.limitBytes - tracked.usedBytes) * sinceMs) / bytes;
        nextCheckAtMs = Math.min(nextCheckAtMs, atMs + reachInMs * (1 + REACH_MARGIN) + REACH_MARGIN_MS);
      }
    }
    let updates: LimitsUpdate[] | undefined;
    for (const [keyId, tracked] of this.#tracked) {
      if (tracked.nextPeriodMs !== undefined && tracked.nextPeriodMs < nextCheckAtMs) nextCheckAtMs = tracked.nextPeriodMs;
      if (tracked.expiresAtMs !== null && tracked.expiresAtMs > atMs && tracked.expiresAtMs < nextCheckAtMs) nextCheckAtMs = tracked.expiresAtMs;
      const rolls = tracked.nextPeriodMs !== undefined && atMs >= tracked.nextPeriodMs;
      if (!rolls && limitStatusOf({ dataLimitBytes: tracked.limitBytes, expiresAtMs: tracked.expiresAtMs }, tracked.usedBytes, atMs) === tracked.status) continue;
      const key = this.#keys.get(keyId);
      if (!key) {
        this.#tracked.delete(keyId);
        continue;
      }
      const { update } = evaluated(key, tracked.usedBytes, atMs);
      if (update) (updates ??= []).push(update);
    }
    if (nextCheckAtMs !== Infinity) this.#nextCheckAtMs = nextCheckAtMs;
    return updates ? this.#servingChanged(updates) : [];
  }

  /**
   * The update that gives `key` the limits `changes` name, at `nowMs`: a quota set where there was
   * none, or a new reset period, starts a period (from 0 bytes); a quota removed ends it; a new
   * quota value alone keeps the period and its bytes.
   */
  withLimits(key: KeyRecord, changes: Partial<KeyLimits>, nowMs: number): LimitsUpdate {
    const limits: KeyLimits = {
      dataLimitBytes: changes.dataLimitBytes === undefined ? key.dataLimitBytes : changes.dataLimitBytes,
      dataLimitReset: changes.dataLimitReset ?? key.dataLimitReset,
      expiresAtMs: changes.expiresAtMs === undefined ? key.expiresAtMs : changes.expiresAtMs,
      note: changes.note ?? key.note,
    };
    const startsPeriod = limits.dataLimitBytes !== null && (key.dataLimitBytes === null || limits.dataLimitReset !== key.dataLimitReset);
    const endsPeriod = limits.dataLimitBytes === null && key.dataLimitBytes !== null;
    const periodStartedAtMs = limits.dataLimitBytes === null ? null : startsPeriod ? nowMs : key.periodStartedAtMs;
    const changed: KeyRecord = { ...key, ...limits, periodStartedAtMs };
    const { next, resetUsed } = evaluated(changed, startsPeriod || endsPeriod ? 0 : this.usedBytes(key.id), nowMs);
    return { key: next, resetUsed: startsPeriod || endsPeriod || resetUsed };
  }

  /** Stores updates (from withLimits) and follows them from then on; returns the records held. */
  save(updates: readonly LimitsUpdate[]): KeyRecord[] {
    const resetUsed = new Set(updates.filter((update) => update.resetUsed).map((update) => update.key.id));
    const saved = this.#keys.saveLimits(updates);
    for (const key of saved) this.track(key, resetUsed.has(key.id) ? 0 : this.usedBytes(key.id));
    return saved;
  }

  /** Follows a key created (with no bytes yet) or changed. */
  track(key: KeyRecord, usedBytes = 0): void {
    if (key.dataLimitBytes === null && key.expiresAtMs === null) {
      this.#tracked.delete(key.id);
      return;
    }
    this.#tracked.set(key.id, {
      limitBytes: key.dataLimitBytes,
      expiresAtMs: key.expiresAtMs,
      nextPeriodMs: key.dataLimitBytes === null || key.periodStartedAtMs === null ? undefined : nextPeriodStart(key.dataLimitReset, key.periodStartedAtMs),
      usedBytes,
      status: key.limitStatus,
    });
  }

  forget(keyId: string): void {
    this.#tracked.delete(keyId);
  }

  /** Stores the cycle's or the start's updates in one transaction; returns the keys whose serving changed. */
  #servingChanged(updates: readonly LimitsUpdate[]): KeyRecord[] {
    if (updates.length === 0) return [];
    const before = new Map(updates.map((update) => [update.key.id, this.#keys.get(update.key.id)]));
    return this.save(updates).filter((key) => {
      const old = before.get(key.id);
      return old !== undefined && serves(old) !== serves(key);
    });
  }
}

/**
 * `key` at `atMs`: its period rolled on to the one holding `atMs` when that began after the
 * stored one (periods missed while the agent was down are skipped), and its verdict; `update` is
 * what to store, undefined when nothing changed.
 */
function evaluated(key: KeyRecord, usedBytes: number, atMs: number): { next: KeyRecord; resetUsed: boolean; update: LimitsUpdate | undefined } {
  let periodStartedAtMs = key.periodStartedAtMs;
  let used = usedBytes;
  if (key.dataLimitBytes !== null && periodStartedAtMs !== null) {
    const floor = periodFloor(key.dataLimitReset, atMs);
    if (floor !== undefined && floor > periodStartedAtMs) {
      periodStartedAtMs = floor;
      used = 0;
    }
  }
  const limitStatus = limitStatusOf(key, used, atMs);
  const next: KeyRecord = { ...key, periodStartedAtMs, limitStatus };
  const resetUsed = periodStartedAtMs !== key.periodStartedAtMs;
  const update = resetUsed || limitStatus !== key.limitStatus ? { key: next, resetUsed } : undefined;
  return { next, resetUsed, update };
}
