import { randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound } from '../lib/http-error.ts';
import { checkKeyName, keyNameFold } from '../api/key-name.ts';
import type { Logger } from '../lib/logger.ts';
import { KeyLocks } from '../lib/key-locks.ts';
import type { DesiredPort, PortFirewall, SyncResult } from './firewall/port-firewall.ts';
import { killConnectionsOnPort } from './net/connection-killer.ts';
import { listeningPortsNow } from './net/socket-table.ts';
import { PortClaims } from './port-claims.ts';
import { limitStatusOf, type LimitTracker } from './limits/limit-tracker.ts';
import type { Sampler } from './sampler.ts';
import type { SubscriptionStore } from './subscriptions/subscription-store.ts';
import {
  NameTakenError,
  NO_LIMITS,
  PortsExhaustedError,
  serves,
  type KeyLimits,
  type KeyRecord,
  type KeyStore,
  type NewKey,
  type PortMove,
  type PortRange,
} from './store/key-store.ts';
import type { KeyCycleDelta, TrafficStore } from './store/traffic-store.ts';
import type { ApplyOutcome, XrayManager } from './xray/xray-manager.ts';

/** What PATCH /api/keys/{key_id} may change; at least one. */
export interface KeyChanges {
  name?: string;
  isActive?: boolean;
  /** Limits to change (checked already: limitChanges); those absent stay. */
  limits?: Partial<KeyLimits>;
}

/** One key of a bulk create: its name, its uuid when given (the person's on other servers) and the limits it starts with (checked already). */
export interface KeyToCreate {
  name: string;
  uuid?: string;
  limits?: Partial<KeyLimits>;
}

// Ids are opaque to clients, so any text may arrive as one; the answer names it, but not at any length.
const MAX_ID_SHOWN = 64;
const shownId = (id: string) => (id.length > MAX_ID_SHOWN ? `${id.slice(0, MAX_ID_SHOWN)}…` : id);

export interface KeyServiceOptions {
  keys: KeyStore;
  traffic: TrafficStore;
  firewall: PortFirewall;
  xray: XrayManager;
  sampler: Sampler;
  limits: LimitTracker;
  subscriptions: SubscriptionStore;
  portRange: PortRange;
  log: Logger;
  now?: () => number;
}

/**
 * The life of a key across its parts: the stored row, its firewall rules and its Xray inbound.
 * The store is the truth; the firewall and Xray follow it, and config-status says when they lag.
 * Changes to one key run one after another (store, firewall, Xray, in that order), each step
 * reading the key again so that it acts on what the store holds now, never on a key that is gone;
 * changes to different keys run at once, and syncs run alone.
 */
export class KeyService {
  readonly #o: KeyServiceOptions;
  readonly #locks = new KeyLocks();
  /** Ports of keys being deleted whose rules and inbound are not gone yet: no new key gets them meanwhile. */
  readonly #releasing = new Set<number>();
  readonly #ports: PortClaims;
  /** Keys brought in step after a verdict of the limits, not done yet. */
  readonly #enforcing = new Set<Promise<void>>();

  constructor(options: KeyServiceOptions) {
    this.#o = options;
    this.#ports = new PortClaims(options.keys);
  }

  get portRange(): PortRange {
    return this.#o.portRange;
  }

  list(): readonly KeyRecord[] {
    return this.#o.keys.list();
  }

  get(id: string): KeyRecord {
    const key = this.#o.keys.get(id);
    if (!key) throw notFound(`Key ${shownId(id)} not found`);
    return key;
  }

  /** Used bytes of the key's current quota period (0 without a quota). */
  usedBytes(id: string): number {
    return this.#o.limits.usedBytes(id);
  }

  /** Creates one key; `uuid` (any letter case, stored lower case) is one no other key of this server has, or a random one. */
  async create(proposedName: string, limits: Partial<KeyLimits> = {}, proposedUuid?: string): Promise<KeyRecord> {
    const name = validName(proposedName);
    const uuid = proposedUuid?.toLowerCase() ?? randomUUID();
    const id = randomUUID();
    return this.#locks.forKey(id, async () => {
      const taken = this.#o.keys.nameHolder(name);
      if (taken) throw nameTaken(new NameTakenError(name, taken.id));
      let key: KeyRecord;
      let port: number | undefined;
      try {
        port = await this.#ports.claim(this.#o.portRange, (candidate) => this.#releasing.has(candidate));
        // Checked after the wait for a port, in the same synchronous step as the insert: no other create can slip between.
        // A random uuid is not: it collides with none.
        const uuidHolder = proposedUuid === undefined ? undefined : this.#uuidHolders().get(uuid);
        if (uuidHolder !== undefined) throw uuidTaken(uuid, uuidHolder);
        key = this.#o.keys.createOnPort(this.#newKey(id, name, uuid, limits, this.#now()), port);
        this.#o.limits.track(key);
        this.#o.subscriptions.issue([key.id]);
      } catch (error) {
        if (error instanceof PortsExhaustedError) throw conflict(error.message, { reason: 'ports_exhausted' });
        if (error instanceof NameTakenError) throw nameTaken(error);
        throw error;
      } finally {
        if (port !== undefined) this.#ports.release(port);
      }
      this.#o.sampler.forgetPorts([key.port]);
      await this.#follow(id, key.port);
      return this.#o.keys.get(id) ?? key;
    });
  }

  /**
   * Creates keys for all `proposedNames`, or none: every name is checked first (400 naming the
   * position of a bad or repeated one, 409 for a name a key has or too few free ports), then one
   * transaction stores them all, one firewall batch counts their ports, and one Xray apply adds
   * their inbounds. Runs while no other key changes. The store is the truth from then on, as for
   * one key: an inbound Xray cannot start does not undo the keys (config-status names it, and
   * sync-config or the reconcile puts it in once it can start).
   */
  createMany(toCreate: readonly KeyToCreate[]): Promise<KeyRecord[]> {
    const names = toCreate.map(({ name: proposed }, index) => {
      const check = checkKeyName(proposed);
      if (!check.ok) throw badRequest(`names[${index}]: ${check.detail}`, { reason: 'bad_name', index });
      return check.name;
    });
    const seen = new Map<string, number>();
    names.forEach((name, index) => {
      const fold = keyNameFold(name);
      const earlier = seen.get(fold);
      if (earlier !== undefined) {
        throw badRequest(`names[${index}] is the same name as names[${earlier}] (names are compared in NFC and without regard to case)`, {
          reason: 'duplicate_name',
          index,
          duplicate_of: earlier,
        });
      }
      seen.set(fold, index);
    });
    const uuids = toCreate.map(({ uuid }) => uuid?.toLowerCase() ?? randomUUID());
    const seenUuid = new Map<string, number>();
    uuids.forEach((uuid, index) => {
      const earlier = seenUuid.get(uuid);
      if (earlier !== undefined) {
        throw badRequest(`keys[${index}] has the same uuid as keys[${earlier}]`, { reason: 'duplicate_uuid', index, duplicate_of: earlier });
      }
      seenUuid.set(uuid, index);
    });
    return this.#locks.exclusive(async () => {
      if (toCreate.some(({ uuid }) => uuid !== undefined)) {
        const holders = this.#uuidHolders();
        uuids.forEach((uuid, index) => {
          const holder = holders.get(uuid);
          if (holder !== undefined) throw uuidTaken(uuid, holder, index);
        });
      }
      const busy = listeningPortsNow();
      const createdAtMs = this.#now();
      let keys: KeyRecord[];
      try {
        keys = this.#o.keys.createMany(
          names.map((name, index) => this.#newKey(randomUUID(), name, uuids[index]!, toCreate[index]!.limits ?? {}, createdAtMs)),
          this.#o.portRange,
          (port) => busy.has(port),
        );
      } catch (error) {
        if (error instanceof PortsExhaustedError) {
          throw conflict(error.message, { reason: 'ports_exhausted', requested: error.requested, available: error.available });
        }
        if (error instanceof NameTakenError) throw nameTaken(error);
        throw error;
      }
      for (const key of keys) this.#o.limits.track(key);
      this.#o.subscriptions.issue(keys.map((key) => key.id));
      const ports = keys.map((key) => key.port);
      this.#o.sampler.forgetPorts(ports);
      // Counting before serving, as for one key: no byte goes uncounted.
      await this.#firewallStep(`add the rules of ${ports.length} ports`, () => this.#o.firewall.addPorts(desiredRules(keys)));
      const served = keys.filter(serves);
      if (served.length > 0) await this.#o.xray.keysAdded(served);
      return keys.map((key) => this.#o.keys.get(key.id) ?? key);
    });
  }

  delete(id: string): Promise<void> {
    return this.#locks.forKey(id, async () => {
      const key = this.get(id);
      this.#releasing.add(key.port);
      try {
        this.#o.keys.delete(id);
        this.#o.limits.forget(id);
        this.#o.subscriptions.forget(id);
        this.#o.sampler.forgetKey(id);
        await this.#follow(id, key.port);
      } finally {
        this.#releasing.delete(key.port);
      }
    });
  }

  /**
   * Renames, switches and/or changes the limits of a key; a refused name changes nothing. Links
   * carry the new name at once. Disabling keeps the port and history, removes the inbound and cuts
   * live connections; new limits are judged at once, and a key they stop or let serve again
   * follows as a disabled or an enabled one does.
   */
  async update(id: string, changes: KeyChanges): Promise<KeyRecord> {
    const name = changes.name === undefined ? undefined : validName(changes.name);
    return this.#locks.forKey(id, async () => {
      let key = this.get(id);
      if (name !== undefined) {
        try {
          key = this.#o.keys.rename(id, name) ?? key;
        } catch (error) {
          if (error instanceof NameTakenError) throw nameTaken(error);
          throw error;
        }
      }
      const servedBefore = serves(key);
      if (changes.isActive !== undefined && changes.isActive !== key.isActive) this.#o.keys.setActive(id, changes.isActive);
      if (changes.limits !== undefined) this.#o.limits.save([this.#o.limits.withLimits(this.get(id), changes.limits, this.#now())]);
      const after = this.get(id);
      if (serves(after) !== servedBefore) await this.#follow(id, after.port);
      return this.get(id);
    });
  }

  /** Gives every key a port again from the start of the range, oldest key first. Client links change. */
  reassignPorts(): Promise<PortMove[]> {
    return this.#locks.exclusive(async () => {
      await this.#o.sampler.cycle();
      const busy = listeningPortsNow();
      const moves = this.#o.keys.reassignPorts(this.#o.portRange, (port) => busy.has(port));
      if (moves.length === 0) return moves;
      await this.#syncFirewall();
      const after = this.list();
      const moved = new Set(moves.map((move) => move.keyId));
      await this.#o.xray.keysMoved(
        after.filter((key) => moved.has(key.id)),
        new Set(after.filter(serves).map((key) => key.id)),
      );
      for (const move of moves) await this.#cutConnections(move.oldPort);
      return moves;
    });
  }

  /** Makes the firewall rules match the keys exactly, while no key changes. */
  syncFirewall(): Promise<SyncResult> {
    return this.#locks.exclusive(() => this.#syncFirewall());
  }

  /** The firewall, then Xray (file and live, starting Xray if it is down), made to match the keys. */
  syncAll(): Promise<{ firewall: SyncResult; xray: ApplyOutcome }> {
    return this.#locks.exclusive(async () => ({ firewall: await this.#syncFirewall(), xray: await this.#o.xray.sync() }));
  }

  /**
   * Runs `task` while no key changes: every change called before it has finished, and changes
   * called meanwhile wait. `task` must not call this service's changing methods.
   */
  whileNoKeyChanges<T>(task: () => Promise<T>): Promise<T> {
    return this.#locks.exclusive(task);
  }

  /**
   * After a sampling cycle has stored its bytes: the verdicts of the limits at `atMs`, and every
   * key whose serving they change brought in step as a PATCH of is_active would (inbound removed
   * or added live, port blocked or opened, connections cut), one key's lock at a time. Not waited
   * for here: a cycle may run inside a task that holds every key (reassignPorts). Returns when the
   * limits want the next cycle (LimitTracker.nextCheckAtMs).
   */
  enforceLimits(atMs: number, deltas: readonly KeyCycleDelta[]): number | undefined {
    this.#enforce(this.#o.limits.afterCycle(atMs, deltas));
    return this.#o.limits.nextCheckAtMs;
  }

  /** At start, before the firewall and Xray are synced from the store: every key judged at `atMs`. */
  judgeAllLimits(atMs: number): KeyRecord[] {
    return this.#o.limits.evaluateAll(atMs);
  }

  /** Cuts the live connections of keys that stopped serving while the agent was down (called after the syncs at start). */
  async cutStopped(keys: readonly KeyRecord[]): Promise<void> {
    for (const key of keys) if (!serves(key)) await this.#cutConnections(key.port);
  }

  /** Resolves once every key changed by a verdict so far is in step. */
  async limitsEnforced(): Promise<void> {
    while (this.#enforcing.size > 0) await Promise.all(this.#enforcing);
  }

  #enforce(keys: readonly KeyRecord[]): void {
    if (keys.length === 0) return;
    const stopped = keys.filter((key) => !serves(key)).length;
    this.#o.log.info(`limits: ${stopped} keys stopped (limited or expired), ${keys.length - stopped} serve again`);
    for (const key of keys) {
      const done = this.#locks.forKey(key.id, async () => {
        const current = this.#o.keys.get(key.id);
        if (current) await this.#follow(key.id, current.port);
      });
      const tracked = done.catch((error: unknown) => this.#o.log.warn(`key ${key.id}: could not follow its limits: ${(error as Error).message}`));
      this.#enforcing.add(tracked);
      void tracked.finally(() => this.#enforcing.delete(tracked));
    }
  }

  #newKey(id: string, name: string, uuid: string, changes: Partial<KeyLimits>, createdAtMs: number): NewKey {
    const limits: KeyLimits = { ...NO_LIMITS, ...changes };
    return { id, name, uuid, createdAtMs, limits, limitStatus: limitStatusOf(limits, 0, createdAtMs) };
  }

  /** Every key's uuid to its id: one pass over the keys held in memory. */
  #uuidHolders(): Map<string, string> {
    return new Map(this.list().map((key) => [key.uuid, key.id]));
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  #syncFirewall(): Promise<SyncResult> {
    return this.#o.firewall.sync(desiredRules(this.list()), (ports, family) => this.#o.sampler.forgetPorts(ports, family));
  }

  /**
   * Brings a key's rules, inbound and connections to what the store holds for it now. A key that
   * serves gets its counting rules before its inbound, so no byte goes uncounted; a disabled key is
   * blocked before its inbound goes; a deleted key's inbound goes before its rules.
   */
  async #follow(id: string, port: number): Promise<void> {
    const now = () => this.#o.keys.get(id);
    const key = now();
    if (key) {
      await this.#firewallStep(`set the rules of port ${port}`, () => {
        const current = now();
        return current ? this.#o.firewall.applyPort(port, !serves(current)) : Promise.resolve();
      });
    }
    const current = now();
    if (current && serves(current)) await this.#o.xray.keyAdded(current);
    else await this.#o.xray.keyRemoved(id);
    if (!now()) await this.#firewallStep(`remove the rules of port ${port}`, () => this.#o.firewall.removePort(port));
    const after = now();
    if (!after || !serves(after)) await this.#cutConnections(port);
  }

  async #firewallStep(what: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.#o.log.warn(`firewall: could not ${what}: ${(error as Error).message}`);
    }
  }

  async #cutConnections(port: number): Promise<void> {
    const result = await killConnectionsOnPort(port);
    if (!result.ok) this.#o.log.warn(`could not close connections on port ${port}: ${result.detail}`);
  }
}

/** The rules every key needs: counting on its port, and the block while it is disabled, limited or expired. */
export function desiredRules(keys: readonly KeyRecord[]): DesiredPort[] {
  return keys.map((key) => ({ port: key.port, blocked: !serves(key) }));
}

function validName(proposed: string): string {
  const check = checkKeyName(proposed);
  if (!check.ok) throw badRequest(check.detail);
  return check.name;
}

const uuidTaken = (uuid: string, holderKeyId: string, index?: number) =>
  conflict(`${index === undefined ? '' : `keys[${index}]: `}a key with uuid ${uuid} already exists on this server (id ${holderKeyId})`, {
    reason: 'uuid_taken',
    key_id: holderKeyId,
    ...(index !== undefined && { index }),
  });

const nameTaken = (error: NameTakenError) =>
  conflict(error.message, { reason: 'name_taken', key_id: error.holderKeyId, ...(error.index !== undefined && { index: error.index }) });
