import type { ServerFacts } from '../../../shared/contract/deploy.ts';
import type { RemoteHost } from '../ssh/remote-host.ts';
import { SupervisedService } from './supervised-service.ts';
import { SystemdService } from './systemd-service.ts';

/** Keeps `/opt/keyport/current/run` running, by systemd or by Keyport's own supervisor. */
export interface AgentService {
  readonly kind: ServerFacts['init'];
  /** Writes the unit or the supervisor script; starts nothing. */
  install(): Promise<void>;
  /** Stops the agent if it runs and starts the current release. */
  restart(): Promise<void>;
  /** Stops the agent; Xray, which the agent started detached, keeps running. */
  stop(): Promise<void>;
  /** Stops the agent and removes the unit or the supervisor. */
  remove(): Promise<void>;
  /** Whether the agent started by the last restart() has exited since (restarted or not). */
  exitedSinceRestart(): Promise<boolean>;
  /** After a failed start: how the agent's last run ended (undefined while it runs) and its last lines of output. */
  lastExit(): Promise<AgentExit>;
}

export interface AgentExit {
  exitCode: number | undefined;
  output: string;
}

/** How many lines of the agent's output a failed deploy shows: a refusal says what it found in about five. */
export const EXIT_OUTPUT_LINES = 8;

export function agentServiceFor(host: RemoteHost, init: ServerFacts['init']): AgentService {
  return init === 'systemd' ? new SystemdService(host) : new SupervisedService(host);
}
