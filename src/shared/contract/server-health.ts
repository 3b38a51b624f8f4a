import type { XrayVersionSupport } from './api-types.ts';
import type { PortRange } from './servers.ts';

/**
 * Whether a server's keys can work, beside whether the console can reach it (`ServerStatus.state`):
 * the facts, and the problems found in them as codes with facts. Each face words a problem its own
 * way and offers the fix it names.
 */

/** The worst of Xray's facts: no binary, not running, its API silent, or not serving exactly the active keys. */
export type XrayHealthState = 'ok' | 'missing' | 'down' | 'api-unreachable' | 'out-of-sync';

/** Xray on the server as the agent's `/api/system/config-status` reports it. */
export interface XrayHealth {
  state: XrayHealthState;
  binaryPath: string;
  installed: boolean;
  running: boolean;
  /** The running Xray's pid, resident memory, open fds and soft open-files limit; null when not running or not reported. */
  pid: number | null;
  rssBytes: number | null;
  openFds: number | null;
  openFilesLimit: number | null;
  /** Inbounds the running Xray lists through its API; null when the API did not answer. */
  liveInbounds: number | null;
  apiReachable: boolean;
  /** Why the API did not answer, as the agent saw it. */
  apiError: string | null;
  /** The file and the running Xray both serve exactly the active keys. */
  inSync: boolean;
  /** Inbounds Xray should serve: one per active key. */
  expectedInbounds: number;
  /** Inbounds of active keys that the running Xray lacks (all of them while Xray is not running). */
  missingInbounds: number;
  /** Inbounds served that belong to no active key. */
  extraInbounds: number;
  changedInbounds: number;
  /** The agent's last attempt to apply its config to Xray, when it failed: what it said. */
  lastApplyError: string | null;
  /** The firewall's rules match the keys (counting and blocking). */
  firewallInSync: boolean;
  /** Active keys whose inbound serves nothing (it failed to start, or another program holds the port). */
  notServing: { keyId: string; port: number; problem: 'inbound-failed' | 'not-listening' | 'port-taken'; detail: string }[];
  /** Other Xray processes sharing our ports (Xray binds with SO_REUSEPORT): connections split between them. */
  strayPids: number[];
  /** The config keeps VPN users off the server and its private networks, as the server's settings say. */
  routingInSync: boolean;
  privateDestinationsBlocked: boolean;
  /** The installed Xray's version against what the agent needs (minimum) and was checked against. */
  versionSupport: XrayVersionSupport | null;
}

/** How a TCP connect to a key port ended when it did not connect. */
export type PortCheckFailure = 'timeout' | 'refused' | 'unreachable' | 'no-address' | 'other';

/** A TCP connect from this console's machine to one key port on the host the keys' links name. */
export interface PortCheck {
  /** The host in the keys' vless:// links. */
  host: string;
  port: number;
  /** The key whose port was tried. */
  keyName: string;
  reachable: boolean;
  failure: PortCheckFailure | null;
  /** The system's error code when it did not connect (ECONNREFUSED, EHOSTUNREACH, ...). */
  errorCode: string | null;
  timeoutMs: number;
  /** The server's key port range, for the firewall rule to open; null when it is not known. */
  keyPorts: PortRange | null;
  checkedAt: string;
}

/** What the admin can do about a problem, from this console. */
export type ProblemFix = 'install-xray' | 'sync-config' | 'open-firewall';

export type ServerProblem =
  | { code: 'xray-missing'; fix: 'install-xray'; binaryPath: string }
  | { code: 'xray-down'; fix: 'sync-config'; lastError: string | null }
  | { code: 'xray-api-unreachable'; fix: 'sync-config'; error: string | null }
  | { code: 'xray-out-of-sync'; fix: 'sync-config'; expectedInbounds: number; missingInbounds: number; extraInbounds: number; changedInbounds: number }
  | { code: 'firewall-out-of-sync'; fix: 'sync-config' }
  /** A second Xray serves our config beside the first, so connections split and removed keys go on working there. */
  | { code: 'xray-duplicate'; fix: 'sync-config'; pids: number[] }
  /** The config file's routing is not what the agent writes: VPN users may reach the server itself. */
  | { code: 'routing-out-of-sync'; fix: 'sync-config'; privateDestinationsBlocked: boolean }
  /** Active keys the agent says Xray does not serve (their inbound failed to start, say), each with why. */
  | { code: 'keys-not-serving'; fix: 'sync-config'; keys: { keyId: string; name: string; reason: string }[] }
  /** The installed Xray is one the agent does not support (too old, or newer than it was checked against). */
  | { code: 'xray-version-unsupported'; fix: 'install-xray'; version: string | null; support: 'too-old' | 'newer-than-checked'; reason: string }
  | { code: 'port-unreachable'; fix: 'open-firewall'; host: string; port: number; keyPorts: PortRange | null; failure: PortCheckFailure };

export type ServerProblemCode = ServerProblem['code'];
