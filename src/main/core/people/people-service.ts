import { randomUUID } from 'node:crypto';
import { checkKeyName, keyNameFold, utcMonth } from '../../../shared/agent-api.ts';
import { isKeyportError, KeyportError } from '../../../shared/contract/errors.ts';
import type {
  MoveProgress,
  MoveRequest,
  MoveResult,
  PeopleChange,
  PeopleList,
  PendingDisable,
  Person,
  PersonDetail,
  PersonKey,
  PersonLimits,
  ServerOutcome,
  ServerUnavailable,
} from '../../../shared/contract/people.ts';
import type { ServerInfo } from '../../../shared/contract/servers.ts';
import type { People } from '../../../shared/contract/services.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import { checkKeyLimitsInput } from '../services/check-key-limits.ts';
import type { KeysService } from '../services/keys-service.ts';
import { ServerCalls } from '../services/server-calls.ts';
import { findServer } from '../services/server-directory.ts';
import type { ServerSessions } from '../services/server-sessions.ts';
import { bundleLinks } from './bundle-links.ts';
import { BundlePusher, type BundleEntry } from './bundle-pusher.ts';
import { bundleUsage, usageFigures } from './bundle-usage.ts';
import { groupPeople, type ServerKeys } from './group-people.ts';
import type { PendingDisables } from './pending-disables.ts';
import { limitsOf, planMove } from './plan-move.ts';
import { outcome } from './server-outcome.ts';

export interface PeopleServiceOptions {
  cache: ConsoleCache;
  sessions: Pick<ServerSessions, 'client'>;
  keys: Pick<KeysService, 'list' | 'create' | 'remove' | 'setActive' | 'config' | 'rotateSubscription'>;
  pending: PendingDisables;
  now?: () => Date;
  newUuid?: () => string;
}

/** Keys per bulk create of a move, as Keys.createMany sends them. */
const MOVE_BATCH = 100;
/** /config reads at once while links are gathered for bundles: each is a stream of its server's SSH connection. */
const LINK_READS_AT_ONCE = 8;

interface Fleet {
  servers: ServerKeys[];
  unavailable: ServerUnavailable[];
  people: Person[];
}

/** People over the keys service: every person is found anew from the servers' keys (or their cache). */
export class PeopleService implements People {
  readonly #cache: ConsoleCache;
  readonly #calls: ServerCalls;
  readonly #pusher: BundlePusher;
  readonly #keys: PeopleServiceOptions['keys'];
  readonly #pending: PendingDisables;
  readonly #now: () => Date;
  readonly #newUuid: () => string;

  constructor(options: PeopleServiceOptions) {
    this.#cache = options.cache;
    this.#calls = new ServerCalls(options.cache, options.sessions);
    this.#pusher = new BundlePusher(options.cache, this.#calls);
    this.#keys = options.keys;
    this.#pending = options.pending;
    this.#now = options.now ?? (() => new Date());
    this.#newUuid = options.newUuid ?? randomUUID;
  }

  async list(): Promise<PeopleList> {
    const disabledNow = await this.#disableDue();
    const fleet = await this.#readFleet();
    return { people: fleet.people, unavailable: fleet.unavailable, disabledNow, pending: this.#pending.all() };
  }

  async show(person: string): Promise<PersonDetail> {
    await this.#disableDue();
    const found = findPerson((await this.#readFleet()).people, person);
    const links = await Promise.all(
      found.keys.map(async ({ serverId, server, key }) => ({ server, keyId: key.id, vlessUrl: await this.#vlessUrl(serverId, key.id) })),
    );
    return { person: found, links };
  }

  async add(name: string, servers: string[], limits: PersonLimits = {}): Promise<PeopleChange> {
    const checked = checkKeyName(name);
    if (!checked.ok) throw new KeyportError('bad-input', `${checked.detail}; nothing was sent`, { field: 'name', problem: 'bad-name' });
    checkKeyLimitsInput(limits);
    const targets = distinctServers(this.#cache, servers);
    const uuid = this.#newUuid();
    const outcomes: ServerOutcome[] = [];
    for (const server of targets) {
      outcomes.push(await outcome(server.name, `created key "${name}"`, () => this.#keys.create(server.id, name, { ...limits, uuid })));
    }
    return this.#afterChange([uuid], outcomes);
  }

  async addServer(person: string, server: string): Promise<PeopleChange> {
    const target = findServer(this.#cache, server);
    const found = findPerson((await this.#readFleet()).people, person);
    if (found.keys.some((entry) => entry.serverId === target.id)) {
      throw new KeyportError('bad-input', `${found.name} has a key on ${target.name} already`, { problem: 'already-there', person: found.uuid, server: target.name });
    }
    // The live copy's limits where there is one: the cache may predate a change.
    const model = (found.keys.find((entry) => entry.source === 'live') ?? found.keys[0]!).key;
    const outcomes = [
      await outcome(target.name, `created key "${found.name}"`, () => this.#keys.create(target.id, found.name, { ...limitsOf(model), uuid: found.uuid })),
    ];
    return this.#afterChange([found.uuid], outcomes);
  }

  async removeServer(person: string, server: string): Promise<PeopleChange> {
    const target = findServer(this.#cache, server);
    const found = findPerson((await this.#readFleet()).people, person);
    const key = found.keys.find((entry) => entry.serverId === target.id)?.key;
    if (!key) throw new KeyportError('not-found', `${found.name} has no key on ${target.name}`, { person: found.uuid, server: target.name });
    await this.#keys.remove(target.id, key.id);
    this.#pending.remove((entry) => entry.serverId === target.id && entry.keyId === key.id);
    return this.#afterChange([found.uuid], [{ server: target.name, done: true, what: `deleted key ${key.id}` }]);
  }

  async remove(person: string): Promise<PeopleChange> {
    const found = findPerson((await this.#readFleet()).people, person);
    const outcomes: ServerOutcome[] = [];
    for (const { serverId, server, key } of found.keys) {
      outcomes.push(await outcome(server, `deleted key ${key.id}`, () => this.#keys.remove(serverId, key.id)));
    }
    this.#pending.remove((entry) => entry.uuid === found.uuid && outcomes.some((done) => done.done && done.server === entry.server));
    const fleet = await this.#readFleet();
    // Keys left on servers that were offline still point at each other: their bundles lose the deleted ones.
    const left = fleet.people.filter((candidate) => candidate.uuid === found.uuid);
    outcomes.push(...(await this.#pushBundles(left)));
    return { people: left, outcomes };
  }

  async move(request: MoveRequest, onProgress?: (progress: MoveProgress) => void): Promise<MoveResult> {
    const { from, to } = checkMove(this.#cache, request);
    await this.#disableDue();
    const fleet = await this.#readFleet();
    const chosen = request.all === true
      ? fleet.people.filter((person) => person.keys.some((entry) => entry.serverId === from.id))
      : dedupe((request.people ?? []).map((ref) => findPerson(fleet.people, ref)));
    for (const person of chosen) {
      if (!person.keys.some((entry) => entry.serverId === from.id)) {
        throw new KeyportError('not-found', `${person.name} has no key on ${from.name}`, { person: person.uuid, server: from.name });
      }
    }
    // The target's keys now, not the cache's: the plan must see names taken since the last sync.
    const toKeys = await this.#calls.write(to.id, () => ({ send: (client) => client.listKeys(), record: (keys, at) => this.#cache.replaceKeys(to.id, keys, at) }));
    const plan = planMove(chosen, from.id, to.id, toKeys);
    onProgress?.({ step: 'planned', done: 0, total: plan.length });
    const outcomes: ServerOutcome[] = [];
    const creating = plan.filter((entry) => entry.action === 'create');
    let created = 0;
    onProgress?.({ step: 'creating', done: 0, total: creating.length });
    for (let start = 0; start < creating.length; start += MOVE_BATCH) {
      const batch = creating.slice(start, start + MOVE_BATCH);
      const result = await outcome(to.name, `created ${batch.length} keys`, () =>
        this.#calls.write(to.id, () => ({
          send: (client) => client.createKeys({ keys: batch.map((entry) => ({ name: entry.name, uuid: entry.uuid, ...entry.limits })) }),
          record: (keys) => keys.forEach((key) => this.#cache.upsertKey(to.id, key)),
        })),
      );
      outcomes.push(result);
      if (!result.done) break;
      created += batch.length;
      onProgress?.({ step: 'creating', done: created, total: creating.length });
    }
    const moved = plan.filter((entry) => entry.action === 'present' || creating.indexOf(entry) < created);
    for (const entry of plan.filter((planned) => planned.action === 'name-taken')) {
      outcomes.push({ server: to.name, done: false, what: `no key for ${entry.name}`, code: 'name-taken', message: `${to.name} has another key named "${entry.name}"` });
    }
    const pending: PendingDisable[] = [];
    if (request.disableAfterMs === 0) {
      onProgress?.({ step: 'disabling', done: 0, total: moved.length });
      for (const [index, entry] of moved.entries()) {
        outcomes.push(await outcome(from.name, `disabled key ${entry.fromKeyId}`, () => this.#keys.setActive(from.id, entry.fromKeyId, false)));
        onProgress?.({ step: 'disabling', done: index + 1, total: moved.length });
      }
    } else if (request.disableAfterMs !== undefined) {
      const dueAt = new Date(this.#now().getTime() + request.disableAfterMs).toISOString();
      pending.push(...moved.map((entry) => ({ serverId: from.id, server: from.name, keyId: entry.fromKeyId, uuid: entry.uuid, name: entry.name, dueAt })));
      this.#pending.add(pending);
    }
    onProgress?.({ step: 'bundles', done: 0, total: moved.length });
    const change = await this.#afterChange(moved.map((entry) => entry.uuid), outcomes);
    return { ...change, plan, pending };
  }

  async pushBundles(person: string): Promise<PeopleChange> {
    const found = findPerson((await this.#readFleet()).people, person);
    return { people: [found], outcomes: await this.#pushBundles([found]) };
  }

  /**
   * After a sync: each key whose person's figures on their other servers, as the cache holds them
   * now, differ from those last pushed into its bundle gets them, usage alone (its links are left
   * as they are), in bulk per server. Keys of people on one server only have none, and are not sent.
   */
  async pushChangedUsage(): Promise<ServerOutcome[]> {
    const servers = this.#cache.listServers().flatMap((server): ServerKeys[] => {
      const cached = this.#cache.listKeys(server.id);
      return cached ? [{ serverId: server.id, server: server.name, keys: cached.keys, source: 'cache', syncedAt: cached.syncedAt, monthBytesByKey: new Map() }] : [];
    });
    const pushed = new Map(servers.map((server) => [server.serverId, this.#pusher.pushedFigures(server.serverId)]));
    const changed = new Map(servers.map((server) => [server.serverId, [] as BundleEntry[]]));
    for (const person of groupPeople(servers)) {
      for (const { serverId, key } of person.keys) {
        const usage = bundleUsage(person.keys, serverId);
        if (usageFigures(usage) !== (pushed.get(serverId)![key.id] ?? usageFigures(null))) changed.get(serverId)!.push({ key_id: key.id, usage });
      }
    }
    const pushes = servers.filter((server) => changed.get(server.serverId)!.length > 0).map((server) => this.#pusher.push(server.serverId, server.server, changed.get(server.serverId)!));
    return (await Promise.all(pushes)).flat();
  }

  /**
   * After a server's links changed (its link host, its Reality names): the people with keys there
   * and elsewhere get their bundles again, so their subscriptions on the other servers list the new
   * links. One outcome per bulk call; an offline server is reported and keeps the old links.
   */
  async pushBundlesOfServer(serverId: string): Promise<ServerOutcome[]> {
    const people = (await this.#readFleet()).people.filter(
      (person) => person.keys.some((entry) => entry.serverId === serverId) && person.keys.some((entry) => entry.serverId !== serverId),
    );
    return people.length === 0 ? [] : this.#pushBundles(people);
  }

  async rotateSubscription(person: string): Promise<PeopleChange> {
    const found = findPerson((await this.#readFleet()).people, person);
    const serving = found.keys.filter((entry) => entry.key.subscription_url !== null);
    if (serving.length === 0) {
      throw new KeyportError('bad-input', `none of ${found.name}'s servers serves subscriptions: there is no link to rotate`, { problem: 'no-subscriptions', person: found.uuid });
    }
    const outcomes: ServerOutcome[] = [];
    for (const { serverId, server, key } of serving) {
      outcomes.push(await outcome(server, `new subscription link for key ${key.id}`, () => this.#keys.rotateSubscription(serverId, key.id)));
    }
    return { people: (await this.#readFleet()).people.filter((candidate) => candidate.uuid === found.uuid), outcomes };
  }

  /** After keys of `uuids` changed: their people as they are now, each key's bundle pushed. */
  async #afterChange(uuids: readonly string[], outcomes: ServerOutcome[]): Promise<PeopleChange> {
    const wanted = new Set(uuids);
    const people = (await this.#readFleet()).people.filter((person) => wanted.has(person.uuid));
    outcomes.push(...(await this.#pushBundles(people)));
    return { people, outcomes };
  }

  /**
   * Each key of `people` gets the links of their other keys and their usage there, in bulk per
   * server, the servers at once; an offline server is reported, not fatal.
   */
  async #pushBundles(people: readonly Person[]): Promise<ServerOutcome[]> {
    const links = await this.#linksOf(people.flatMap((person) => person.keys));
    const byServer = new Map<string, { server: string; entries: BundleEntry[] }>();
    for (const person of people) {
      const linked = person.keys.map(({ serverId, key }) => ({ serverId, keyId: key.id, isActive: key.is_active, vlessUrl: links.get(`${serverId}/${key.id}`) ?? null }));
      for (const { serverId, keyId, links: others } of bundleLinks(linked)) {
        const target = byServer.get(serverId) ?? { server: person.keys.find((entry) => entry.serverId === serverId)!.server, entries: [] };
        target.entries.push({ key_id: keyId, links: others, usage: bundleUsage(person.keys, serverId) });
        byServer.set(serverId, target);
      }
    }
    const pushes = [...byServer].map(([serverId, { server, entries }]) => this.#pusher.push(serverId, server, entries));
    return (await Promise.all(pushes)).flat();
  }

  /** Each key's vless:// link by `serverId/keyId`, from its /config (cached for an offline server), a few reads at a time. */
  async #linksOf(keys: readonly PersonKey[]): Promise<Map<string, string | null>> {
    const links = new Map<string, string | null>();
    const queue = [...keys];
    const reader = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) links.set(`${next.serverId}/${next.key.id}`, await this.#vlessUrl(next.serverId, next.key.id));
    };
    await Promise.all(Array.from({ length: LINK_READS_AT_ONCE }, reader));
    return links;
  }

  async #vlessUrl(serverId: string, keyId: string): Promise<string | null> {
    try {
      return (await this.#keys.config(serverId, keyId)).data.vless_url;
    } catch (error) {
      if (isKeyportError(error) && (error.code === 'server-offline' || error.code === 'not-found')) return null;
      throw error;
    }
  }

  /** The disables whose grace period has passed, done now; a server that cannot be reached keeps its own for next time. */
  async #disableDue(): Promise<ServerOutcome[]> {
    const nowMs = this.#now().getTime();
    const due = this.#pending.all().filter((entry) => Date.parse(entry.dueAt) <= nowMs);
    if (due.length === 0) return [];
    const outcomes: ServerOutcome[] = [];
    for (const entry of due) {
      const result = await outcome(entry.server, `disabled key ${entry.keyId} of ${entry.name} (grace period over)`, async () => {
        try {
          await this.#keys.setActive(entry.serverId, entry.keyId, false);
        } catch (error) {
          // A key deleted since has nothing left to disable.
          if (!(isKeyportError(error) && error.code === 'not-found')) throw error;
        }
      });
      outcomes.push(result);
      if (result.done) this.#pending.remove((pending) => pending.serverId === entry.serverId && pending.keyId === entry.keyId);
    }
    // Their other keys' bundles drop the disabled links.
    const disabled = new Set(due.map((entry) => entry.uuid));
    outcomes.push(...(await this.#pushBundles((await this.#readFleet()).people.filter((candidate) => disabled.has(candidate.uuid)))));
    return outcomes;
  }

  async #readFleet(): Promise<Fleet> {
    const yearMonth = utcMonth(this.#now().getTime());
    const servers = this.#cache.listServers();
    const reads = await Promise.allSettled(servers.map((server) => this.#keys.list(server.id)));
    const fleet: Fleet = { servers: [], unavailable: [], people: [] };
    reads.forEach((read, index) => {
      const server = servers[index]!;
      if (read.status === 'rejected') {
        const error: unknown = read.reason;
        fleet.unavailable.push({ server: server.name, code: isKeyportError(error) ? error.code : 'unexpected', message: error instanceof Error ? error.message : String(error) });
        return;
      }
      const monthBytesByKey = new Map(this.#cache.monthTotals(server.id, yearMonth).map(({ keyId, usage }) => [keyId, usage.rx_bytes + usage.tx_bytes]));
      fleet.servers.push({ serverId: server.id, server: server.name, keys: read.value.data, source: read.value.source, syncedAt: read.value.syncedAt, monthBytesByKey });
    });
    fleet.people = groupPeople(fleet.servers);
    return fleet;
  }
}

/** A person by uuid (any letter case) or by name (compared as key names are); several of that name are refused. */
export function findPerson(people: readonly Person[], ref: string): Person {
  const byUuid = people.find((person) => person.uuid === ref.toLowerCase());
  if (byUuid) return byUuid;
  const byName = people.filter((person) => keyNameFold(person.name) === keyNameFold(ref));
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new KeyportError('bad-input', `${byName.length} people are named "${ref}": name one by its uuid (${byName.map((person) => person.uuid).join(', ')})`, {
      problem: 'ambiguous-person',
      person: ref,
    });
  }
  throw new KeyportError('not-found', `no person "${ref}" on any server (by uuid or name)`, { unknownPerson: ref });
}

function distinctServers(cache: ConsoleCache, refs: readonly string[]): ServerInfo[] {
  if (refs.length === 0) throw new KeyportError('bad-input', 'a person needs at least one server', { problem: 'no-servers' });
  const servers = refs.map((ref) => findServer(cache, ref));
  const repeated = servers.find((server, index) => servers.findIndex((other) => other.id === server.id) !== index);
  if (repeated) throw new KeyportError('bad-input', `${repeated.name} is named twice: a person has one key per server`, { problem: 'repeated-server', server: repeated.name });
  return servers;
}

function checkMove(cache: ConsoleCache, request: MoveRequest): { from: ServerInfo; to: ServerInfo } {
  const from = findServer(cache, request.from);
  const to = findServer(cache, request.to);
  if (from.id === to.id) throw new KeyportError('bad-input', `a move needs two servers; ${from.name} was given twice`, { problem: 'same-server', server: from.name });
  const named = request.people?.length ?? 0;
  if ((request.all === true) === named > 0) {
    throw new KeyportError('bad-input', 'a move takes either all people or the people named, one of the two', { problem: 'people-or-all' });
  }
  const grace = request.disableAfterMs;
  if (grace !== undefined && !(Number.isSafeInteger(grace) && grace >= 0)) {
    throw new KeyportError('bad-input', `a grace period is a whole number of milliseconds, 0 or more, not ${grace}`, { problem: 'bad-grace', value: String(grace) });
  }
  return { from, to };
}

function dedupe(people: Person[]): Person[] {
  return people.filter((person, index) => people.findIndex((other) => other.uuid === person.uuid) === index);
}
