import type { ApiKey, KeyLimits } from './api-types.ts';
import type { KeyportErrorCode } from './errors.ts';

/**
 * People (beyond the spec): a person is one VLESS uuid across the fleet. The grouping lives on the
 * servers (every key of a person carries the same uuid), so nothing else needs keeping in step.
 */

/** A person's limits, given to each of their keys: a key's limits without its uuid. */
export type PersonLimits = Omit<KeyLimits, 'uuid'>;

/** One key of a person, on one server, as last read (live, or from the cache while it is offline). */
export interface PersonKey {
  serverId: string;
  server: string;
  key: ApiKey;
  source: 'live' | 'cache';
  syncedAt: string;
}

export interface Person {
  /** The uuid all their keys share (lower case): the person's identity. */
  uuid: string;
  /** The most common name among their keys; a tie goes to the name of the earliest created key. */
  name: string;
  /** Ordered by server name. */
  keys: PersonKey[];
  /** used_bytes of every key summed: each key's quota period as last synced. */
  usedBytes: number;
  /** rx + tx of the current UTC month, summed over their keys from the cached days. */
  monthBytes: number;
  /** Their subscription link: the one of their key on a server read live, else any cached one; null when none has one. */
  subscriptionUrl: string | null;
  /** Every key's subscription link, by server (any of them serves the same links once bundles are pushed). */
  subscriptionUrls: { server: string; url: string }[];
}

/** A server whose keys could not be read at all (offline and never cached, say). */
export interface ServerUnavailable {
  server: string;
  code: KeyportErrorCode | 'unexpected';
  message: string;
}

/** What was done, or failed, on one server; a failure on one server never stops the others. */
export type ServerOutcome =
  | { server: string; done: true; what: string }
  | { server: string; done: false; what: string; code: KeyportErrorCode | 'unexpected'; message: string };

/** A disable `People.move` left for later: done by the first People call after `dueAt`. */
export interface PendingDisable {
  serverId: string;
  server: string;
  keyId: string;
  uuid: string;
  name: string;
  /** ISO 8601. */
  dueAt: string;
}

export interface PeopleList {
  people: Person[];
  unavailable: ServerUnavailable[];
  /** Disables whose grace period had passed, done just now before listing. */
  disabledNow: ServerOutcome[];
  /** Disables still waiting for their grace period. */
  pending: PendingDisable[];
}

export interface PersonDetail {
  person: Person;
  /** Each key's vless:// link (from its /config, cached when its server is offline); null when never read. */
  links: { server: string; keyId: string; vlessUrl: string | null }[];
}

/** What a change to people did: the people as they are now and what happened per server. */
export interface PeopleChange {
  people: Person[];
  outcomes: ServerOutcome[];
}

export interface MoveRequest {
  from: string;
  to: string;
  /** Uuids or names; left out with `all`. */
  people?: string[];
  all?: boolean;
  /** Disable the keys on `from` this long after the move; 0 disables at once; left out: never. */
  disableAfterMs?: number;
}

/** One person's part of a move, planned before anything is sent. */
export interface MovePlanEntry {
  uuid: string;
  name: string;
  /** The key on `from` whose name and limits the new key copies. */
  fromKeyId: string;
  /** create: a key goes onto `to`; present: `to` has their key already; name-taken: another key of `to` has the name. */
  action: 'create' | 'present' | 'name-taken';
  limits: PersonLimits;
}

/**
 * How far a move has got. `planned`: `total` people, before anything is sent; `creating`: keys made
 * on `to` so far; `disabling`: keys disabled on `from` so far (disabling at once only); `bundles`:
 * every bundle of the `total` people moved is being pushed.
 */
export interface MoveProgress {
  step: 'planned' | 'creating' | 'disabling' | 'bundles';
  done: number;
  total: number;
}

export interface MoveResult extends PeopleChange {
  plan: MovePlanEntry[];
  /** The disables left for later (a grace period was given). */
  pending: PendingDisable[];
}
