import type { XrayVersionSupport } from './api-types.ts';
import type { DeployedSubscriptions } from './deploy.ts';
import type { PortCheck, ServerProblem, XrayHealth } from './server-health.ts';

/** How Keyport logs in to a server. Only references or sealed secrets are ever stored. */
export type SshAuth =
  | { method: 'key'; keyPath: string }
  | { method: 'agent' }
  | { method: 'password' };

/** Where a server is, as typed by the admin or resolved from a `Host` alias of ~/.ssh/config. */
export interface SshTarget {
  host: string;
  port: number;
  user: string;
  auth: SshAuth;
  /** `[user@]host[:port]` hops, as ssh's ProxyJump; each hop authenticates like the target. */
  proxyJump: string[];
}

export interface AddServerRequest {
  name: string;
  /** A `Host` alias from ~/.ssh/config; explicit fields below override what it gives. */
  sshAlias?: string;
  host?: string;
  port?: number;
  user?: string;
  auth?: SshAuth;
  /** Needed with auth `password` or a passphrase-protected key; sealed, or kept only in memory. */
  secret?: string;
  /** The fingerprint the admin accepted (SHA256:…); add refuses a server whose key differs. */
  acceptedFingerprint?: string;
  /** The accepted keys of ProxyJump hops, by `host:port` (as `HostKeyProbe.jumps` lists them). */
  acceptedJumpFingerprints?: Record<string, string>;
}

/** TCP ports, both ends included. */
export interface PortRange {
  from: number;
  to: number;
}

export interface DeployedAgent {
  version: string;
  release: string;
  deployedAt: string;
  /** The agent's loopback port on the server. */
  apiPort: number;
  /** The ports keys get theirs from; absent on records made before it was chosen at deploy. */
  keyPorts?: PortRange;
  /** The subscription listener the last deploy left on (a redeploy keeps it); absent or null: off. */
  subscriptions?: DeployedSubscriptions | null;
}

export interface ServerInfo {
  id: string;
  name: string;
  target: SshTarget;
  sshAlias: string | null;
  hostKeyFingerprint: string;
  addedAt: string;
  agent: DeployedAgent | null;
  /** When the cache last got fresh data from this server; null before any. */
  lastSyncedAt: string | null;
}

export type ServerState = 'online' | 'offline' | 'not-deployed' | 'agent-down' | 'host-key-unknown' | 'host-key-changed';

/** The states in which Keyport will not connect until the admin checks and accepts a host key. */
export function isHostKeyState(state: ServerState): state is 'host-key-unknown' | 'host-key-changed' {
  return state === 'host-key-unknown' || state === 'host-key-changed';
}

/** A host key that is not the one Keyport trusts: accept `presented` with `Fleet.trustHostKey` once checked. */
export interface HostKeyChange {
  /** `host:port` of the server or of the ProxyJump hop whose key changed or was never accepted. */
  endpoint: string;
  /** The key Keyport trusts for that endpoint; null when it trusts none yet (`host-key-unknown`). */
  accepted: string | null;
  presented: string;
  keyType: string;
}

export interface ServerStatus {
  server: ServerInfo;
  state: ServerState;
  /** Why the server is not online, in words an admin can act on. */
  reason: string | null;
  /**
   * Offline or agent down: in how many ms from this answer the console connects again (a call
   * before then fails at once, as this one did). Absent when no retry is waited for.
   */
  retryInMs?: number;
  agentVersion: string | null;
  /** The agent on the server is older or newer than the one this console deploys. */
  agentOutdated: boolean;
  xrayVersion: string | null;
  /** Whether the agent can rely on that Xray; null when the agent was not asked. */
  xrayVersionSupport: XrayVersionSupport | null;
  keyCount: number | null;
  activeKeyCount: number | null;
  /** How many keys are limited, expired, or expire soon, from the keys fetched now or the cache's; null when neither has them. */
  keyLimits: KeyLimitCounts | null;
  /** Xray as the agent reports it; null when the agent was not reached. */
  xray: XrayHealth | null;
  /** The latest check that a key port answers on the links' host from here (cached briefly); null when none ran. */
  portCheck: PortCheck | null;
  /** Why keys' links would not work now, though the server may be online; empty when nothing is wrong. */
  problems: ServerProblem[];
  /** With states `host-key-unknown` and `host-key-changed`: the presented key and the trusted one. */
  hostKeyChange?: HostKeyChange;
}

/** The fleet view's count of keys the agent's limits stop, or will stop soon. */
export interface KeyLimitCounts {
  /** Status `limited`: the quota of the current period is used up. */
  limited: number;
  /** Status `expired` (or, from the cache, active ones whose expiry has passed since). */
  expired: number;
  /** Keys that work now (not disabled, limited or expired) and expire within `EXPIRING_SOON_DAYS`. */
  expiringSoon: number;
}

export interface HostKeyProbe {
  fingerprint: string;
  keyType: string;
  /** The ProxyJump hops' keys, in order, to accept along with the target's. */
  jumps?: { endpoint: string; fingerprint: string; keyType: string }[];
}
