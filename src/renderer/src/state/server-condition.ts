import type { KeyportErrorCode } from '../../../shared/contract/errors.ts';
import type { ServerState, ServerStatus } from '../../../shared/contract/servers.ts';
import type { Cached } from '../../../shared/contract/services.ts';
import { healthDisplayState, type HealthDisplayState } from './health-display-state.ts';
import type { Loadable } from './loadable.ts';

/** The states in which the console cannot reach a server's agent at all. */
export type UnreachableState = 'offline' | 'agent-down' | 'host-key-unknown' | 'host-key-changed';

const UNREACHABLE: ReadonlySet<ServerState> = new Set<UnreachableState>(['offline', 'agent-down', 'host-key-unknown', 'host-key-changed']);

/** Whether `state` is one in which nothing reaches the server's agent. */
export function isUnreachableState(state: string): state is UnreachableState {
  return UNREACHABLE.has(state as ServerState);
}

/**
 * What the latest call to a server showed about reaching it: the status check, or any read or
 * write since (a key list from the cache, a change refused as offline). `at` orders them.
 */
export type ServerContact =
  | { reached: true; from: 'status' | 'call'; at: number }
  | {
      reached: false;
      from: 'status' | 'call';
      at: number;
      cause: UnreachableState;
      /** The core's words for why, when the call said (a read served from the cache does not). */
      reason: string | null;
      /** When the console's SSH link connects again (ms since the epoch); null when it waits for the admin or nobody said. */
      retryAt: number | null;
    };

/** What the console shows as a server's state: reachability first, then whether its keys' links work. */
export type DisplayState = ServerState | 'deploying' | 'agent-outdated' | 'checking' | 'unknown' | HealthDisplayState;

/** One server as every view shows it (fleet row, sidebar, server header, keys tab, disabled buttons). Flat, for shallow comparison. */
export interface ServerCondition {
  state: DisplayState;
  /** A change can be sent now: nothing known says the agent cannot take it. */
  canChange: boolean;
  /** Why it cannot be reached, in the core's words; null when it can, or nobody said. */
  reason: string | null;
  /** With `reason`: when the console tries to connect again (ms since the epoch); null when it waits for nothing or the admin. */
  retryAt: number | null;
}

/** Everything known about a server that bears on its state. */
export interface ServerKnowledge {
  status: Loadable<ServerStatus> | undefined;
  deployRunning: boolean;
  /** The latest call's contact; the status check's own, or a later read's or write's. */
  contact: ServerContact | undefined;
}

/** States in which a change cannot be sent: nothing answers, there is no agent yet, or a deploy replaces it now. */
const NO_CHANGES: ReadonlySet<DisplayState> = new Set<DisplayState>([...UNREACHABLE, 'not-deployed', 'deploying']);

/**
 * The one place a server's shown state is decided. A deploy running wins; then a call newer than
 * the status that contradicts it (its keys came from the cache, say, while the status said online:
 * until the status is checked again, the call's word holds); then the status: a host key to check,
 * offline, agent down, not deployed, or online, where Xray missing, down or out of sync (the worst
 * problem) or an outdated agent keep it from green.
 */
export function serverCondition({ status, deployRunning, contact }: ServerKnowledge): ServerCondition {
  const state = shownState(status, deployRunning, contact);
  const unreachable = isUnreachableState(state);
  const told = contact && !contact.reached && contact.cause === state ? contact : undefined;
  return {
    state,
    canChange: !NO_CHANGES.has(state),
    reason: unreachable ? (told?.reason ?? status?.value?.reason ?? null) : null,
    retryAt: unreachable ? (told?.retryAt ?? null) : null,
  };
}

function shownState(status: Loadable<ServerStatus> | undefined, deployRunning: boolean, contact: ServerContact | undefined): DisplayState {
  if (deployRunning) return 'deploying';
  const value = status?.value;
  const later = contact?.from === 'call' ? contact : undefined;
  if (later && !later.reached && (!value || !isUnreachableState(value.state))) return later.cause;
  if (!value) return status?.loading || !status ? 'checking' : 'unknown';
  // It answered a call since the status said it could not: checked again, the status will say how it is.
  if (later?.reached && isUnreachableState(value.state)) return 'checking';
  if (value.state === 'online' && value.problems.length > 0) return healthDisplayState(value.problems[0]!);
  if (value.state === 'online' && value.agentOutdated) return 'agent-outdated';
  return value.state;
}

/**
 * The contact to keep after `next`: a call that says what the last contact said keeps the last
 * one's words (the status's reason reads better than a read's wrapped failure), with the newer retry time.
 */
export function mergedContact(last: ServerContact | undefined, next: ServerContact): ServerContact {
  if (!last || last.reached !== next.reached) return next;
  if (last.reached || next.reached) return last;
  if (last.cause !== next.cause) return next;
  return next.retryAt === null || next.retryAt === last.retryAt ? last : { ...last, retryAt: next.retryAt };
}

/** A status check's contact, received at `at`. */
export function contactOfStatus(status: ServerStatus, at: number): ServerContact {
  if (!isUnreachableState(status.state)) return { reached: true, from: 'status', at };
  const retryAt = status.retryInMs === undefined ? null : at + status.retryInMs;
  return { reached: false, from: 'status', at, cause: status.state, reason: status.reason, retryAt };
}

/** A read's answer: live is the server answering, the cache is it not answering (why, the read does not say). */
export function contactOfAnswer(answer: Cached<unknown>, at: number): ServerContact {
  if (answer.source === 'live') return { reached: true, from: 'call', at };
  return { reached: false, from: 'call', at, cause: 'offline', reason: null, retryAt: null };
}

/** A failed call's contact, by its code and facts; undefined when the failure says nothing about reaching the server. */
export function contactOfFailure(
  code: KeyportErrorCode | undefined,
  facts: Readonly<Record<string, unknown>> | undefined,
  message: string,
  at: number,
): ServerContact | undefined {
  const retryInMs = facts?.retryInMs;
  const retryAt = typeof retryInMs === 'number' ? at + retryInMs : null;
  if (code === 'server-offline') {
    return { reached: false, from: 'call', at, cause: facts?.unreachable === 'agent' ? 'agent-down' : 'offline', reason: message, retryAt };
  }
  if (code === 'host-key-changed' || code === 'host-key-unknown') return { reached: false, from: 'call', at, cause: code, reason: message, retryAt: null };
  return undefined;
}

/** Whether a failure is the server not being reached, which the server's own notice tells once (not every view beside it). */
export function isReachFailure(code: KeyportErrorCode | null | undefined): boolean {
  return code === 'server-offline' || code === 'host-key-changed' || code === 'host-key-unknown';
}
