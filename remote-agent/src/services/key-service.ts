import { randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound } from '../lib/http-error.ts';
import { checkKeyName } from '../lib/key-name.ts';
import type { Logger } from '../lib/logger.ts';
import type { PortFirewall } from './firewall/port-firewall.ts';
import { killConnectionsOnPort } from './net/connection-killer.ts';
import { listeningPortsNow } from './net/socket-table.ts';
import type { Sampler } from './sampler.ts';
import { NameTakenError, PortsExhaustedError, type KeyRecord, type KeyStore, type PortMove, type PortRange } from './store/key-store.ts';
import type { TrafficStore } from './store/traffic-store.ts';
import type { XrayManager } from './xray/xray-manager.ts';

/** What PATCH /api/keys/{key_id} may change; at least one. */
export interface KeyChanges {
  name?: string;
  isActive?: boolean;
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
  portRange: PortRange;
  log: Logger;
  now?: () => number;
}

/**
 * The life of a key across its parts: the stored row, its firewall rules and its Xray inbound.
 * The store is the truth; the firewall and Xray follow it, and config-status says when they lag.
 */
export class KeyService {
  readonly #o: KeyServiceOptions;

  constructor(options: KeyServiceOptions) {
    this.#o = options;
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

  async create(proposedName: string): Promise<KeyRecord> {
    const name = validName(proposedName);
    const taken = this.#o.keys.nameHolder(name);
    if (taken) throw nameTaken(new NameTakenError(name, taken.id));
    const busy = listeningPortsNow();
    let key: KeyRecord;
    try {
      key = this.#o.keys.create(
        { id: randomUUID(), name, uuid: randomUUID(), createdAtMs: (this.#o.now ?? Date.now)() },
        this.#o.portRange,
        (port) => busy.has(port),
      );
    } catch (error) {
      if (error instanceof PortsExhaustedError) throw conflict(error.message, { reason: 'ports_exhausted' });
      if (error instanceof NameTakenError) throw nameTaken(error);
      throw error;
    }
    this.#o.sampler.forgetPorts([key.port]);
    await this.#firewallStep(`add rules for port ${key.port}`, () => this.#o.firewall.addPort(key.port));
    await this.#o.xray.keyAdded(key);
    return key;
  }

  async delete(id: string): Promise<void> {
    const key = this.get(id);
    this.#o.keys.delete(id);
    this.#o.sampler.forgetKey(id);
    await this.#o.xray.keyRemoved(id);
    await this.#firewallStep(`remove rules for port ${key.port}`, () => this.#o.firewall.removePort(key.port));
    await this.#cutConnections(key.port);
  }

  /** Renames and/or switches a key; a refused name changes nothing. Links carry the new name at once. */
  async update(id: string, changes: KeyChanges): Promise<KeyRecord> {
    let key = this.get(id);
    if (changes.name !== undefined) {
      const name = validName(changes.name);
      try {
        key = this.#o.keys.rename(id, name) ?? key;
      } catch (error) {
        if (error instanceof NameTakenError) throw nameTaken(error);
        throw error;
      }
    }
    if (changes.isActive !== undefined) key = await this.setActive(id, changes.isActive);
    return key;
  }

  /** Disabling keeps the port and history, removes the inbound and cuts live connections at once. */
  async setActive(id: string, isActive: boolean): Promise<KeyRecord> {
    const key = this.get(id);
    if (key.isActive === isActive) return key;
    this.#o.keys.setActive(id, isActive);
    const updated = { ...key, isActive };
    if (isActive) {
      await this.#firewallStep(`unblock port ${key.port}`, () => this.#o.firewall.setBlocked(key.port, false));
      await this.#o.xray.keyAdded(updated);
    } else {
      await this.#firewallStep(`block port ${key.port}`, () => this.#o.firewall.setBlocked(key.port, true));
      await this.#o.xray.keyRemoved(id);
      await this.#cutConnections(key.port);
    }
    return updated;
  }

  /** Gives every key a port again from the start of the range, oldest key first. Client links change. */
  async reassignPorts(): Promise<PortMove[]> {
    await this.#o.sampler.cycle();
    const busy = listeningPortsNow();
    const moves = this.#o.keys.reassignPorts(this.#o.portRange, (port) => busy.has(port));
    if (moves.length === 0) return moves;
    await this.syncFirewall();
    const after = this.list();
    const moved = new Set(moves.map((move) => move.keyId));
    await this.#o.xray.keysMoved(
      after.filter((key) => moved.has(key.id)),
      new Set(after.filter((key) => key.isActive).map((key) => key.id)),
    );
    for (const move of moves) await this.#cutConnections(move.oldPort);
    return moves;
  }

  /** Makes the firewall rules match the keys exactly. */
  async syncFirewall() {
    const desired = this.list().map((key) => ({ port: key.port, blocked: !key.isActive }));
    return this.#o.firewall.sync(desired, (ports, family) => this.#o.sampler.forgetPorts(ports, family));
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

function validName(proposed: string): string {
  const check = checkKeyName(proposed);
  if (!check.ok) throw badRequest(check.detail);
  return check.name;
}

const nameTaken = (error: NameTakenError) => conflict(error.message, { reason: 'name_taken', key_id: error.holderKeyId });
