import { access, constants, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { runCommand, type CommandResult } from '../../lib/run-command.ts';
import type { XrayInbound } from './xray-config.ts';

/** `xray api` exited non-zero; `output` is what Xray printed, kept as a fact for status, never parsed. */
export class XrayApiError extends Error {
  readonly output: string;

  constructor(command: string, output: string) {
    super(`xray api ${command} failed: ${output}`);
    this.output = output;
  }
}

/**
 * The most inbounds or tags one `xray api adi|rmi` gets. Each command has one deadline for the dial
 * and every call it makes, and stops at the first failure (main/commands/all/api/shared.go:41-43,
 * inbounds_add.go:61-76, inbounds_remove.go:66-78 at v26.7.28), so commands stay small and their
 * deadline grows with their size.
 */
export const API_BATCH_SIZE = 100;
const API_BASE_SECONDS = 5;
const API_SECONDS_PER_ITEM = 0.05;
/** `xray api` waits for an answer this much longer than its own deadline before we give up on it. */
const PROCESS_GRACE_MS = 5_000;
/** A binary that gave no version is asked again after this long: the answer may have been a timeout. */
const NO_VERSION_RETRY_MS = 5 * 60_000;

/** Xray's command line: version, config test, and the HandlerService API (`xray api adi|rmi|lsi`). */
export class XrayCli {
  readonly bin: string;
  readonly apiAddress: string;
  #knownVersion: { file: string; version: Promise<string | undefined>; askedAtMs: number } | undefined;

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

  /** Whether the API answers a call, not only accepts a connection (a hung Xray still accepts). */
  async apiAnswers(): Promise<boolean> {
    if (!(await this.apiListening())) return false;
    return this.listInboundTags(2).then(
      () => true,
      () => false,
    );
  }

  async version(): Promise<string | undefined> {
    const result = await this.#run(['version']).catch(() => undefined);
    return result?.exitCode === 0 ? result.stdout.split('\n')[0]?.trim() : undefined;
  }

  /**
   * `version()`, asked once per binary: again only when the file at `bin` is another one (an
   * install or upgrade replaces it), so a frequent reader (the host figures) starts no process.
   */
  async knownVersion(nowMs = Date.now()): Promise<string | undefined> {
    const file = await stat(this.bin).then(
      (found) => `${found.dev}:${found.ino}:${found.size}:${found.mtimeMs}`,
      () => undefined,
    );
    if (file === undefined) return undefined;
    const known = this.#knownVersion;
    const stale = known === undefined || known.file !== file || ((await known.version) === undefined && nowMs - known.askedAtMs > NO_VERSION_RETRY_MS);
    if (stale) this.#knownVersion = { file, version: this.version(), askedAtMs: nowMs };
    return this.#knownVersion!.version;
  }

  /**
   * `xray run -test`: exit 0 means the file is a config Xray will start with. `-format json`
   * because Xray otherwise picks the format from the file's extension and refuses any other name
   * (core/config.go:82-95, 113-128 at v26.7.28).
   */
  async testConfig(path: string): Promise<{ ok: boolean; output: string }> {
    const result = await this.#run(['run', '-test', '-format', 'json', '-c', path], 30_000);
    return { ok: result.exitCode === 0, output: `${result.stdout}${result.stderr}`.trim() };
  }

  /** One `adi` of at most API_BATCH_SIZE inbounds; those before a failing one stay added. */
  async addInbounds(inbounds: readonly XrayInbound[]): Promise<void> {
    if (inbounds.length === 0) return;
    await this.#api('adi', inbounds.length, ['stdin:'], JSON.stringify({ inbounds }));
  }

  /** One `rmi` of at most API_BATCH_SIZE tags; an unknown tag stops it there. */
  async removeInbounds(tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return;
    await this.#api('rmi', tags.length, [...tags]);
  }

  /** Tags of the inbounds the running Xray serves now; tags only, so 10,000 inbounds stay far below gRPC's 4 MB reply limit. */
  async listInboundTags(deadlineSeconds?: number): Promise<string[]> {
    const output = await this.#api('lsi', 0, ['--isOnlyTags=true'], undefined, deadlineSeconds);
    const parsed = JSON.parse(output) as { inbounds?: Array<{ tag?: string }> };
    return (parsed.inbounds ?? []).map((inbound) => inbound.tag ?? '').filter(Boolean);
  }

  async #api(command: string, items: number, args: string[], input?: string, deadlineSeconds?: number): Promise<string> {
    const seconds = deadlineSeconds ?? Math.ceil(API_BASE_SECONDS + items * API_SECONDS_PER_ITEM);
    const result = await this.#run(['api', command, '-s', this.apiAddress, '-t', String(seconds), ...args], seconds * 1000 + PROCESS_GRACE_MS, input);
    if (result.exitCode !== 0) throw new XrayApiError(command, (result.stderr || result.stdout).trim());
    return result.stdout.slice(result.stdout.indexOf('{'));
  }

  #run(args: string[], timeoutMs = 10_000, input?: string): Promise<CommandResult> {
    return runCommand(this.bin, args, input === undefined ? { timeoutMs } : { timeoutMs, input });
  }
}
