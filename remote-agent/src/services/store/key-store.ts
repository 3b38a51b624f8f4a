import type { DatabaseSync } from 'node:sqlite';
import type { DataLimitReset } from '../../api/key-limits.ts';
import { keyNameFold } from '../../api/key-name.ts';
import { inTransaction, prepareAll, type Statements } from './database.ts';

/** What the admin sets of a key's limits (beyond the spec). */
export interface KeyLimits {
  readonly dataLimitBytes: number | null;
  readonly dataLimitReset: DataLimitReset;
  readonly expiresAtMs: number | null;
  readonly note: string;
}

export const NO_LIMITS: KeyLimits = { dataLimitBytes: null, dataLimitReset: 'no_reset', expiresAtMs: null, note: '' };

/** The agent's own verdict on a key's limits, enforced as it stands (the admin's is_active aside). */
export type LimitStatus = 'active' | 'limited' | 'expired';

/** A key as stored; replaced on every change, never changed in place. */
export interface KeyRecord extends KeyLimits {
  readonly id: string;
  readonly name: string;
  readonly uuid: string;
  readonly port: number;
  readonly isActive: boolean;
  readonly createdAtMs: number;
  /** When the quota's current period began; null while the key has no quota. */
  readonly periodStartedAtMs: number | null;
  readonly limitStatus: LimitStatus;
}

/** Whether a key is served: the admin has it on and the agent finds it neither limited nor expired. */
export const serves = (key: KeyRecord): boolean => key.isActive && key.limitStatus === 'active';

/** A key's limits and limit state as they are to be stored; `resetUsed` starts its period's counter from 0. */
export interface LimitsUpdate {
  key: KeyRecord;
  resetUsed: boolean;
}

export interface PortRange {
  from: number;
  to: number;
}

export interface NewKey {
  id: string;
  name: string;
  uuid: string;
  createdAtMs: number;
  /** None when absent; the period of a quota starts at createdAtMs. */
  limits?: KeyLimits;
  /** The agent's verdict at creation (a key may be created expired, or with a quota of 0). */
  limitStatus?: LimitStatus;
}

export interface PortMove {
  keyId: string;
  oldPort: number;
  newPort: number;
}

interface KeyRow {
  id: string;
  name: string;
  uuid: string;
  port: number;
  is_active: number;
  created_at_ms: number;
  name_key: string | null;
  data_limit_bytes: number | null;
  data_limit_reset: DataLimitReset;
  expires_at_ms: number | null;
  note: string;
  period_started_at_ms: number | null;
  limit_status: LimitStatus;
}

const toRecord = (row: KeyRow): KeyRecord => ({
  id: row.id,
  name: row.name,
  uuid: row.uuid,
  port: row.port,
  isActive: row.is_active === 1,
  createdAtMs: row.created_at_ms,
  dataLimitBytes: row.data_limit_bytes,
  dataLimitReset: row.data_limit_reset,
  expiresAtMs: row.expires_at_ms,
  note: row.note,
  periodStartedAtMs: row.period_started_at_ms,
  limitStatus: row.limit_status,
});

/** The stored form of a new key: its limits, its period from creation when it has a quota. */
const newRecord = (key: NewKey, port: number): KeyRecord => {
  const limits = key.limits ?? NO_LIMITS;
  return {
    id: key.id,
    name: key.name,
    uuid: key.uuid,
    createdAtMs: key.createdAtMs,
    port,
    isActive: true,
    ...limits,
    periodStartedAtMs: limits.dataLimitBytes === null ? null : key.createdAtMs,
    limitStatus: key.limitStatus ?? 'active',
  };
};

export class PortsExhaustedError extends Error {
  /** How many ports were asked for, and how many the range had free. */
  readonly requested: number;
  readonly available: number;

  constructor(range: PortRange, requested = 1, available = 0) {
    super(
      requested === 1
        ? `no free port left in the range ${range.from}-${range.to}`
        : `${requested} keys need ${requested} free ports; the range ${range.from}-${range.to} has ${available}`,
    );
    this.requested = requested;
    this.available = available;
  }
}

/** Another key already has this name (compared as keyNameFold does). */
export class NameTakenError extends Error {
  readonly holderKeyId: string;
  /** In a bulk create: the position of the name in the list. */
  readonly index: number | undefined;

  constructor(name: string, holderKeyId: string, index?: number) {
    super(`${index === undefined ? '' : `names[${index}]: `}a key named "${name}" already exists on this server (id ${holderKeyId})`);
    this.holderKeyId = holderKeyId;
    this.index = index;
  }
}

/** More changed keys than this since listById() was last asked: it sorts again instead of placing each. */
const RESORT_AFTER_CHANGES = 64;

const byIdOrder = (a: KeyRecord, b: KeyRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const sortedById = (keys: Iterable<KeyRecord>) => [...keys].sort(byIdOrder);

/** The index of the first key whose id is `id` or after it. */
function firstAtOrAfter(sorted: readonly KeyRecord[], id: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]!.id < id) low = middle + 1;
    else high = middle;
  }
  return low;
}

const KEY_SQL = {
  selectAll: 'SELECT * FROM keys ORDER BY created_at_ms, rowid',
  insert: `
    INSERT INTO keys (id, name, uuid, port, is_active, created_at_ms, name_key,
                      data_limit_bytes, data_limit_reset, expires_at_ms, note, period_started_at_ms, limit_status)
    VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`,
  setLimits: `
    UPDATE keys SET data_limit_bytes = ?, data_limit_reset = ?, expires_at_ms = ?, note = ?, period_started_at_ms = ?, limit_status = ?
    WHERE id = ?`,
  resetPeriodUsed: 'UPDATE key_totals SET period_used_bytes = 0 WHERE key_id = ?',
  selectPeriodUsed: `
    SELECT t.key_id, t.period_used_bytes FROM keys k JOIN key_totals t ON t.key_id = k.id
    WHERE k.data_limit_bytes IS NOT NULL`,
  insertTotals: 'INSERT INTO key_totals (key_id) VALUES (?)',
  delete: 'DELETE FROM keys WHERE id = ?',
  setActive: 'UPDATE keys SET is_active = ? WHERE id = ?',
  setPort: 'UPDATE keys SET port = ? WHERE id = ?',
  rename: 'UPDATE keys SET name = ?, name_key = ? WHERE id = ?',
  setNameKey: 'UPDATE keys SET name_key = ? WHERE id = ?',
} as const;

/**
 * The keys table: each key's identity, port and state. Port allocation happens here, in one
 * transaction. The agent is the table's only writer, so reads come from a copy kept in memory.
 */
export class KeyStore {
  readonly #db: DatabaseSync;
  readonly #sql: Statements<typeof KEY_SQL>;
  readonly #byId = new Map<string, KeyRecord>();
  #ordered: KeyRecord[] | undefined;
  /** Every key by id, and the ids changed since it was made (applied when it is next asked for). */
  #sortedById: KeyRecord[] = [];
  readonly #changedIds = new Set<string>();
  /** Folded name to the key holding it: the one whose row carries that name_key. */
  readonly #holderByFold = new Map<string, string>();
  /** Keys of old databases sharing a name with an older key: their rows have no name_key. */
  readonly #unheld = new Set<string>();
  /** The ports keys hold. */
  readonly #taken = new Set<number>();
  /** Every port from `from` up to (not including) `next` is held by a key: the search for a free one starts at `next`. */
  #scan = { from: 0, next: 0 };

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#sql = prepareAll(db, KEY_SQL);
    this.#assignNameKeys();
  }

  /** Every key, oldest first. The array is shared: callers must not change it. */
  list(): readonly KeyRecord[] {
    this.#ordered ??= [...this.#byId.values()].sort((a, b) => a.createdAtMs - b.createdAtMs);
    return this.#ordered;
  }

  /**
   * Every key in id order (the order the traffic store writes in), shared as list()'s is. Sorted
   * when the keys are read, then kept in step: a change of a few keys costs a copy, not a sort
   * of 10,000 ids.
   */
  listById(): readonly KeyRecord[] {
    if (this.#changedIds.size === 0) return this.#sortedById;
    if (this.#changedIds.size > RESORT_AFTER_CHANGES) {
      this.#sortedById = sortedById(this.#byId.values());
    } else {
      const sorted = [...this.#sortedById];
      for (const id of this.#changedIds) {
        const at = firstAtOrAfter(sorted, id);
        const key = this.#byId.get(id);
        const present = sorted[at]?.id === id;
        if (key && present) sorted[at] = key;
        else if (key) sorted.splice(at, 0, key);
        else if (present) sorted.splice(at, 1);
      }
      this.#sortedById = sorted;
    }
    this.#changedIds.clear();
    return this.#sortedById;
  }

  get(id: string): KeyRecord | undefined {
    return this.#byId.get(id);
  }

  /** The key other than `exceptId` whose name folds like `name`, if any. */
  nameHolder(name: string, exceptId?: string): KeyRecord | undefined {
    const holderId = this.#holderByFold.get(keyNameFold(name));
    return holderId === undefined || holderId === exceptId ? undefined : this.#byId.get(holderId);
  }

  #reload(): KeyRow[] {
    const rows = this.#sql.selectAll.all() as unknown as KeyRow[];
    this.#byId.clear();
    this.#holderByFold.clear();
    this.#unheld.clear();
    this.#taken.clear();
    this.#scan = { from: 0, next: 0 };
    for (const row of rows) {
      this.#byId.set(row.id, toRecord(row));
      this.#taken.add(row.port);
      if (row.name_key === null) this.#unheld.add(row.id);
      else this.#holderByFold.set(row.name_key, row.id);
    }
    this.#ordered = undefined;
    this.#sortedById = sortedById(this.#byId.values());
    this.#changedIds.clear();
    return rows;
  }

  /**
   * Gives each name's oldest key the folded name as its name_key, and none to younger keys of the
   * same name (only old databases have those). Run at every start, so a database written before
   * names were unique, or under another fold, opens without failing and is held to the rule.
   */
  #assignNameKeys(): void {
    const rows = this.#reload();
    const desired = new Map<string, string | null>();
    const claimed = new Set<string>();
    for (const row of rows) {
      const fold = keyNameFold(row.name);
      desired.set(row.id, claimed.has(fold) ? null : fold);
      claimed.add(fold);
    }
    const changed = rows.filter((row) => desired.get(row.id) !== row.name_key);
    if (changed.length === 0) return;
    inTransaction(this.#db, () => {
      // Clear first so the UNIQUE index holds mid-way when two keys trade their name_keys.
      for (const row of changed) this.#sql.setNameKey.run(null, row.id);
      for (const row of changed) this.#sql.setNameKey.run(desired.get(row.id) ?? null, row.id);
    });
    this.#reload();
  }

  /** Reads every key from the table again, after a restore wrote it directly. */
  reloadFromDatabase(): void {
    this.#assignNameKeys();
  }

  #remember(key: KeyRecord): void {
    this.#byId.set(key.id, key);
    this.#taken.add(key.port);
    this.#ordered = undefined;
    this.#changedIds.add(key.id);
  }

  /**
   * The lowest port of the range that no key holds and `isPortBusy` does not refuse. Costs the
   * ports refused, not the number of keys: where the block of held ports at the start of the range
   * ends is remembered, so it is walked once, not on every call.
   */
  lowestFreePort(range: PortRange, isPortBusy: (port: number) => boolean): number {
    for (const port of this.#freePorts(range, isPortBusy)) return port;
    throw new PortsExhaustedError(range);
  }

  /** The ports of the range no key holds and `isPortBusy` does not refuse, lowest first. */
  *#freePorts(range: PortRange, isPortBusy: (port: number) => boolean): Generator<number> {
    if (this.#scan.from !== range.from) this.#scan = { from: range.from, next: range.from };
    while (this.#scan.next <= range.to && this.#taken.has(this.#scan.next)) this.#scan.next += 1;
    for (let port = this.#scan.next; port <= range.to; port += 1) {
      if (!this.#taken.has(port) && !isPortBusy(port)) yield port;
    }
  }

  /**
   * Stores a key on the lowest free port of the range. Synchronous from read to insert, so
   * concurrent requests can never be handed the same port.
   */
  create(key: NewKey, range: PortRange, isPortBusy: (port: number) => boolean): KeyRecord {
    const fold = keyNameFold(key.name);
    const holder = this.#holderByFold.get(fold);
    if (holder !== undefined) throw new NameTakenError(key.name, holder);
    return this.createOnPort(key, this.lowestFreePort(range, isPortBusy));
  }

  /** Stores a key on `port`, which the caller found free (lowestFreePort) and checked since. */
  createOnPort(key: NewKey, port: number): KeyRecord {
    const fold = keyNameFold(key.name);
    const holder = this.#holderByFold.get(fold);
    if (holder !== undefined) throw new NameTakenError(key.name, holder);
    if (this.#taken.has(port)) throw new Error(`port ${port} is held by a key already`);
    const created = inTransaction(this.#db, () => this.#insert(newRecord(key, port), fold));
    this.#remember(created);
    this.#holderByFold.set(fold, created.id);
    return created;
  }

  /**
   * Stores many keys in one transaction, all or none, each on the next free port of the range in
   * the order given. The names must differ from each other (the caller checks, so it can say which
   * two); a name another key has throws NameTakenError with its position, and too few free ports
   * PortsExhaustedError, both before anything is written.
   */
  createMany(keys: readonly NewKey[], range: PortRange, isPortBusy: (port: number) => boolean): KeyRecord[] {
    const folds = keys.map((key) => keyNameFold(key.name));
    folds.forEach((fold, index) => {
      const holder = this.#holderByFold.get(fold);
      if (holder !== undefined) throw new NameTakenError(keys[index]!.name, holder, index);
    });
    const ports: number[] = [];
    for (const port of this.#freePorts(range, isPortBusy)) {
      if (ports.length === keys.length) break;
      ports.push(port);
    }
    if (ports.length < keys.length) throw new PortsExhaustedError(range, keys.length, ports.length);
    const created = inTransaction(this.#db, () => keys.map((key, index) => this.#insert(newRecord(key, ports[index]!), folds[index]!)));
    created.forEach((key, index) => {
      this.#remember(key);
      this.#holderByFold.set(folds[index]!, key.id);
    });
    return created;
  }

  #insert(key: KeyRecord, fold: string): KeyRecord {
    this.#sql.insert.run(
      key.id, key.name, key.uuid, key.port, key.createdAtMs, fold,
      key.dataLimitBytes, key.dataLimitReset, key.expiresAtMs, key.note, key.periodStartedAtMs, key.limitStatus,
    );
    this.#sql.insertTotals.run(key.id);
    return key;
  }

  /**
   * Stores keys' limits, periods and limit status as given, in one transaction; keys gone
   * meanwhile are skipped. Returns the records now held.
   */
  saveLimits(updates: readonly LimitsUpdate[]): KeyRecord[] {
    const present = updates.filter((update) => this.#byId.has(update.key.id));
    if (present.length === 0) return [];
    inTransaction(this.#db, () => {
      for (const { key, resetUsed } of present) {
        this.#sql.setLimits.run(key.dataLimitBytes, key.dataLimitReset, key.expiresAtMs, key.note, key.periodStartedAtMs, key.limitStatus, key.id);
        if (resetUsed) this.#sql.resetPeriodUsed.run(key.id);
      }
    });
    return present.map(({ key: update }) => {
      // Only the limit fields come from the update: a rename or switch since it was built stays.
      const key = { ...this.#byId.get(update.id)!, ...limitFieldsOf(update) };
      this.#remember(key);
      return key;
    });
  }

  /** rx + tx of the current period of every key with a quota, as stored. */
  periodUsedBytes(): Map<string, number> {
    const rows = this.#sql.selectPeriodUsed.all() as Array<{ key_id: string; period_used_bytes: number }>;
    return new Map(rows.map((row) => [row.key_id, row.period_used_bytes]));
  }

  /**
   * Gives a key a new name. Its own name in another case or form is fine; another key's is not.
   * A key that shares its name with an older one (old databases) may keep that name.
   */
  rename(id: string, name: string): KeyRecord | undefined {
    const key = this.#byId.get(id);
    if (!key) return undefined;
    const fold = keyNameFold(name);
    const holder = this.#holderByFold.get(fold);
    const keepsUnheldName = this.#unheld.has(id) && fold === keyNameFold(key.name);
    if (holder !== undefined && holder !== id && !keepsUnheldName) throw new NameTakenError(name, holder);
    const nameKey = keepsUnheldName ? null : fold;
    const oldFold = keyNameFold(key.name);
    this.#sql.rename.run(name, nameKey, id);
    if (oldFold !== fold) this.#release(id, oldFold);
    if (nameKey !== null) {
      this.#holderByFold.set(nameKey, id);
      this.#unheld.delete(id);
    }
    const renamed = { ...key, name };
    this.#remember(renamed);
    return renamed;
  }

  delete(id: string): boolean {
    const key = this.#byId.get(id);
    const deleted = Number(this.#sql.delete.run(id).changes) > 0;
    this.#byId.delete(id);
    if (key) {
      this.#taken.delete(key.port);
      if (key.port >= this.#scan.from) this.#scan.next = Math.min(this.#scan.next, key.port);
    }
    this.#unheld.delete(id);
    this.#ordered = undefined;
    this.#changedIds.add(id);
    if (key) this.#release(id, keyNameFold(key.name));
    return deleted;
  }

  /** After `id` gives up a name, the oldest key left sharing it (old databases only) takes it over. */
  #release(id: string, fold: string): void {
    if (this.#holderByFold.get(fold) !== id) return;
    this.#holderByFold.delete(fold);
    if (this.#unheld.size === 0) return;
    const heir = this.list().find((key) => key.id !== id && this.#unheld.has(key.id) && keyNameFold(key.name) === fold);
    if (!heir) return;
    this.#sql.setNameKey.run(fold, heir.id);
    this.#holderByFold.set(fold, heir.id);
    this.#unheld.delete(heir.id);
  }

  setActive(id: string, isActive: boolean): void {
    this.#sql.setActive.run(isActive ? 1 : 0, id);
    const key = this.#byId.get(id);
    if (key) this.#remember({ ...key, isActive });
  }

  /** Gives every key, oldest first, the next port from the start of the range. */
  reassignPorts(range: PortRange, isPortBusy: (port: number) => boolean): PortMove[] {
    const moves = inTransaction(this.#db, () => {
      const keys = this.list();
      const ownPorts = new Set(keys.map((key) => key.port));
      const moves: PortMove[] = [];
      const assigned = new Set<number>();
      // Park every key outside the port space first so the UNIQUE constraint holds mid-way.
      keys.forEach((key, index) => this.#sql.setPort.run(-1 - index, key.id));
      for (const key of keys) {
        const port = lowestFreePort(range, (p) => assigned.has(p) || (!ownPorts.has(p) && isPortBusy(p)));
        assigned.add(port);
        this.#sql.setPort.run(port, key.id);
        if (port !== key.port) moves.push({ keyId: key.id, oldPort: key.port, newPort: port });
      }
      return moves;
    });
    this.#reload();
    return moves;
  }
}

const limitFieldsOf = (key: KeyRecord) => ({
  dataLimitBytes: key.dataLimitBytes,
  dataLimitReset: key.dataLimitReset,
  expiresAtMs: key.expiresAtMs,
  note: key.note,
  periodStartedAtMs: key.periodStartedAtMs,
  limitStatus: key.limitStatus,
});

function lowestFreePort(range: PortRange, isTaken: (port: number) => boolean): number {
  for (let port = range.from; port <= range.to; port += 1) {
    if (!isTaken(port)) return port;
  }
  throw new PortsExhaustedError(range);
}
