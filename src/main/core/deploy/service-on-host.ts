import type { ServerFacts } from '../../../shared/contract/deploy.ts';
import type { RemoteHost } from '../ssh/remote-host.ts';
import type { AgentExit, AgentService } from './agent-service.ts';

/** What systemd's unit and Keyport's supervisor share: the host they act on and how a last exit is read. */
export abstract class ServiceOnHost implements AgentService {
  abstract readonly kind: ServerFacts['init'];
  protected readonly host: RemoteHost;

  constructor(host: RemoteHost) {
    this.host = host;
  }

  abstract install(): Promise<void>;
  abstract restart(): Promise<void>;
  abstract stop(): Promise<void>;
  abstract remove(): Promise<void>;
  abstract exitedSinceRestart(): Promise<boolean>;

  /** The agent's last exit status as text, '' while it runs or when none is recorded. */
  protected abstract exitStatus(): Promise<string>;
  /** A command printing the agent's last EXIT_OUTPUT_LINES lines of output. */
  protected abstract logTailCommand(): string;

  async lastExit(): Promise<AgentExit> {
    const status = await this.exitStatus();
    const log = await this.host.run(this.logTailCommand());
    return { exitCode: /^\d+$/.test(status) ? Number(status) : undefined, output: log.stdout.trim() };
  }
}
