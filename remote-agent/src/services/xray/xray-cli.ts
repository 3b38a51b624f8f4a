import { access, constants } from 'node:fs/promises';
import { connect } from 'node:net';
import { runCommand, type CommandResult } from '../../lib/run-command.ts';
import type { XrayInbound } from './xray-config.ts';

export class XrayApiError extends Error {}

/** Xray's command line: version, config test, and the HandlerService API (`xray api adi|rmi|lsi`). */
export class XrayCli {
  readonly bin: string;
  readonly apiAddress: string;

  constructor(bin: string, apiAddress: string) {
    this.bin = bin;
    this.apiAddress = apiAddress;
  }

  async isInstalled(): Promise<boolean> {
    return access(this.bin, constants.X_OK).then(
      () => true,
      () => false,
    );
  }

  /**
   * Whether something accepts connections on the API address. `xray api` keeps dialing until its
   * timeout when nothing listens; this answers at once, so a down Xray costs no wait.
   */
  apiListening(timeoutMs = 1_000): Promise<boolean> {
    const separator = this.apiAddress.lastIndexOf(':');
    const host = this.apiAddress.slice(0, separator).replace(/^\[|\]$/g, '');
    const port = Number(this.apiAddress.slice(separator + 1));
    return new Promise((resolve) => {
      const socket = connect({ host, port });
      const finish = (listening: boolean) => {
        socket.destroy();
        resolve(listening);
      };
      socket.setTimeout(timeoutMs, () => finish(false));
      socket.once('connect', () => finish(true));
      socket.once('error', () => finish(false));
    });
  }

  async version(): Promise<string | undefined> {
    const result = await this.#run(['version']).catch(() => undefined);
    return result?.exitCode === 0 ? result.stdout.split('\n')[0]?.trim() : undefined;
  }

  /** `xray run -test`: exit 0 means the file is a config Xray will start with. */
  async testConfig(path: string): Promise<{ ok: boolean; output: string }> {
    const result = await this.#run(['run', '-test', '-c', path], 30_000);
    return { ok: result.exitCode === 0, output: `${result.stdout}${result.stderr}`.trim() };
  }

  async addInbounds(inbounds: readonly XrayInbound[]): Promise<void> {
    if (inbounds.length === 0) return;
    await this.#api(['adi', '-s', this.apiAddress, 'stdin:'], JSON.stringify({ inbounds }));
  }

  async removeInbounds(tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return;
    await this.#api(['rmi', '-s', this.apiAddress, ...tags]);
  }

  /** Tags of the inbounds the running Xray serves now. */
  async listInboundTags(): Promise<string[]> {
    const output = await this.#api(['lsi', '-s', this.apiAddress]);
    const parsed = JSON.parse(output) as { inbounds?: Array<{ tag?: string }> };
    return (parsed.inbounds ?? []).map((inbound) => inbound.tag ?? '').filter(Boolean);
  }

  async #api(args: string[], input?: string): Promise<string> {
    const result = await this.#run(['api', ...args], 10_000, input);
    if (result.exitCode !== 0) {
      throw new XrayApiError(`xray api ${args[0]} failed: ${(result.stderr || result.stdout).trim()}`);
    }
    return result.stdout;
  }

  #run(args: string[], timeoutMs = 10_000, input?: string): Promise<CommandResult> {
    return runCommand(this.bin, args, input === undefined ? { timeoutMs } : { timeoutMs, input });
  }
}
