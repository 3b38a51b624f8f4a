import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { inTransaction } from './database.ts';

/** A key as stored; replaced on every change, never changed in place. */
export interface KeyRecord {
  readonly id: string;
  readonly name: string;
  readonly uuid: string;
  readonly port: number;
  readonly isActive: boolean;
  readonly createdAtMs: number;
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
}

const toRecord = (row: KeyRow): KeyRecord => ({
  id: row.id,
  name: row.name,
  uuid: row.uuid,
  port: row.port,
  isActive: row.is_active === 1,
  createdAtMs: row.created_at_ms,
});

export class PortsExhaustedError extends Error {}

/**
 * The keys table: each key's identity, port and state. Port allocation happens here, in one
 * transaction. The agent is the table's only writer, so reads come from a copy kept in memory.
 */
export class KeyStore {
  readonly #db: DatabaseSync;
  readonly #byId = new Map<string, KeyRecord>();
  #ordered: KeyRecord[] | undefined;
  readonly #selectAll: StatementSync;
  readonly #insert: StatementSync;
  readonly #insertTotals: StatementSync;
  readonly #delete: StatementSync;
  readonly #setActive: StatementSync;
  readonly #setPort: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#selectAll = db.prepare('SELECT * FROM keys ORDER BY created_at_ms, rowid');
    this.#insert = db.prepare(
      'INSERT INTO keys (id, name, uuid, port, is_active, created_at_ms) VALUES (?, ?, ?, ?, 1, ?)',
    );
    this.#insertTotals = db.prepare('INSERT INTO key_totals (key_id) VALUES (?)');
    this.#delete = db.prepare('DELETE FROM keys WHERE id = ?');
    this.#setActive = db.prepare('UPDATE keys SET is_active = ? WHERE id = ?');
    this.#setPort = db.prepare('UPDATE keys SET port = ? WHERE id = ?');
    this.#reload();
  }

  /** Every key, oldest first. The array is shared: callers must not change it. */
  list(): readonly KeyRecord[] {
    this.#ordered ??= [...this.#byId.values()].sort((a, b) => a.createdAtMs - b.createdAtMs);
    return this.#ordered;
  }

  get(id: string): KeyRecord | undefined {
    return this.#byId.get(id);
  }

  #reload(): void {
    this.#byId.clear();
    for (const row of this.#selectAll.all() as unknown as KeyRow[]) this.#byId.set(row.id, toRecord(row));
    this.#ordered = undefined;
  }

  #remember(key: KeyRecord): void {
    this.#byId.set(key.id, key);
    this.#ordered = undefined;
  }

  /**
   * Stores a key on the lowest free port of the range. Synchronous from read to insert, so
   * concurrent requests can never be handed the same port.
   */
  create(key: NewKey, range: PortRange, isPortBusy: (port: number) => boolean): KeyRecord {
    const created = inTransaction(this.#db, () => {
      const taken = new Set([...this.#byId.values()].map((stored) => stored.port));
      const port = lowestFreePort(range, (candidate) => taken.has(candidate) || isPortBusy(candidate));
      this.#insert.run(key.id, key.name, key.uuid, port, key.createdAtMs);
      this.#insertTotals.run(key.id);
      return { ...key, port, isActive: true };
    });
    this.#remember(created);
    return created;
  }

  delete(id: string): boolean {
    const deleted = Number(this.#delete.run(id).changes) > 0;
    this.#byId.delete(id);
    this.#ordered = undefined;
    return deleted;
  }

  setActive(id: string, isActive: boolean): void {
    this.#setActive.run(isActive ? 1 : 0, id);
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
      keys.forEach((key, index) => this.#setPort.run(-1 - index, key.id));
      for (const key of keys) {
        const port = lowestFreePort(range, (p) => assigned.has(p) || (!ownPorts.has(p) && isPortBusy(p)));
        assigned.add(port);
        this.#setPort.run(port, key.id);
        if (port !== key.port) moves.push({ keyId: key.id, oldPort: key.port, newPort: port });
      }
      return moves;
    });
    this.#reload();
    return moves;
  }
}

function lowestFreePort(range: PortRange, isTaken: (port: number) => boolean): number {
  for (let port = range.from; port <= range.to; port += 1) {
    if (!isTaken(port)) return port;
  }
  throw new PortsExhaustedError(`no free port left in the range ${range.from}-${range.to}`);
}
