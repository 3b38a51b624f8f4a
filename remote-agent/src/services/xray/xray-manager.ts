import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { coalesce, SerialQueue } from '../../lib/coalesce.ts';
import type { Logger } from '../../lib/logger.ts';
import type { RealityKeys } from './reality-keys.ts';
import { XrayCli } from './xray-cli.ts';
import {
  buildInbound,
  buildXrayConfig,
  inboundTag,
  isKeyportTag,
  type InboundKey,
  type RealityOptions,
  type XrayInbound,
} from './xray-config.ts';
import type { XrayProcess } from './xray-process.ts';
import { xrayVersionSupport, type XrayVersionSupport } from './xray-version-support.ts';

export interface XrayManagerOptions {
  cli: XrayCli;
  process: XrayProcess;
  configPath: string;
  realityKeys: RealityKeys;
  reality: RealityOptions;
  /** The keys whose inbounds should exist now (the active ones), read from the store. */
  activeKeys: () => InboundKey[];
  log: Logger;
}

export interface InboundDiff {
  in_sync: boolean;
  missing_inbounds: string[];
  extra_inbounds: string[];
  changed_inbounds: string[];
}

export interface XrayStatus {
  in_sync: boolean;
  expected_inbounds: number;
  binary: { path: string; installed: boolean; version: string | null; version_support: XrayVersionSupport };
  process: { running: boolean; pid: number | null };
  api: { address: string; reachable: boolean; error: string | null };
  config_file: InboundDiff & { path: string; exists: boolean };
  live: (InboundDiff & { inbounds: number }) | null;
  last_apply: ApplyOutcome | null;
}

export interface ApplyOutcome {
  at_ms: number;
  method: 'api' | 'restart' | 'start' | 'none';
  ok: boolean;
  detail: string;
}

export class XrayConfigInvalidError extends Error {}

/**
 * Owns Xray's config: keeps the file equal to the active keys (validated before it replaces the old
 * one) and applies each change live through Xray's API, so no other user's connection drops.
 */
export class XrayManager {
  readonly #options: XrayManagerOptions;
  readonly #live = new SerialQueue();
  readonly #writeConfig: () => Promise<void>;
  #lastApply: ApplyOutcome | null = null;

  constructor(options: XrayManagerOptions) {
    this.#options = options;
    this.#writeConfig = coalesce(() => this.#writeConfigNow());
  }

  get configPath(): string {
    return this.#options.configPath;
  }

  inboundFor(key: InboundKey): XrayInbound {
    return buildInbound(key, this.#options.realityKeys, this.#options.reality);
  }

  async keyAdded(key: InboundKey): Promise<ApplyOutcome> {
    return this.#change((cli) => cli.addInbounds([this.inboundFor(key)]));
  }

  async keyRemoved(keyId: string): Promise<ApplyOutcome> {
    return this.#change((cli) => cli.removeInbounds([inboundTag(keyId)]));
  }

  /** Keys whose port changed: their old inbounds go, new ones come. */
  async keysMoved(keys: readonly InboundKey[], activeIds: ReadonlySet<string>): Promise<ApplyOutcome> {
    return this.#change(async (cli) => {
      const live = new Set(await cli.listInboundTags());
      await cli.removeInbounds(keys.map((key) => inboundTag(key.id)).filter((tag) => live.has(tag)));
      await cli.addInbounds(keys.filter((key) => activeIds.has(key.id)).map((key) => this.inboundFor(key)));
    });
  }

  /** Rewrites the file and makes the running Xray serve exactly the active keys (starting it if down). */
  async sync(): Promise<ApplyOutcome> {
    return this.#change((cli) => this.#reconcileLive(cli));
  }

  async status(): Promise<XrayStatus> {
    const { cli, configPath } = this.#options;
    const expected = this.#expectedInbounds();
    const [installed, version, pid] = await Promise.all([cli.isInstalled(), cli.version(), this.#options.process.runningPid()]);
    const fileInbounds = await readConfigInbounds(configPath);
    const configFile = { path: configPath, exists: fileInbounds !== undefined, ...diffInbounds(expected, fileInbounds ?? []) };

    let live: XrayStatus['live'] = null;
    let apiError: string | null = null;
    if (installed && !(await cli.apiListening())) {
      apiError = `nothing listens on the Xray API address ${cli.apiAddress}`;
    } else if (installed) {
      try {
        const tags = await cli.listInboundTags();
        live = { inbounds: tags.length, ...diffTags(expected, tags) };
      } catch (error) {
        apiError = (error as Error).message;
      }
    } else {
      apiError = `no Xray binary at ${cli.bin}`;
    }
    return {
      in_sync: configFile.exists && configFile.in_sync && live !== null && live.in_sync,
      expected_inbounds: expected.size,
      binary: { path: cli.bin, installed, version: version ?? null, version_support: xrayVersionSupport(version) },
      process: { running: pid !== undefined, pid: pid ?? null },
      api: { address: cli.apiAddress, reachable: live !== null, error: apiError },
      config_file: configFile,
      live,
      last_apply: this.#lastApply,
    };
  }

  /** `xray run -test` on the current file; undefined when there is no binary to ask. */
  async testCurrentConfig(): Promise<{ ok: boolean; output: string } | undefined> {
    if (!(await this.#options.cli.isInstalled())) return undefined;
    return this.#options.cli.testConfig(this.#options.configPath);
  }

  async #change(applyLive: (cli: XrayCli) => Promise<void>): Promise<ApplyOutcome> {
    let outcome: ApplyOutcome;
    try {
      await this.#writeConfig();
      outcome = await this.#live.run(() => this.#applyLive(applyLive));
    } catch (error) {
      outcome = { at_ms: Date.now(), method: 'none', ok: false, detail: (error as Error).message };
    }
    this.#lastApply = outcome;
    if (!outcome.ok) this.#options.log.warn(`xray: ${outcome.detail}`);
    return outcome;
  }

  async #applyLive(applyLive: (cli: XrayCli) => Promise<void>): Promise<ApplyOutcome> {
    const { cli, process } = this.#options;
    const outcome = (method: ApplyOutcome['method'], ok: boolean, detail: string): ApplyOutcome => ({
      at_ms: Date.now(),
      method,
      ok,
      detail,
    });
    if (!(await cli.isInstalled())) {
      return outcome('none', false, `no Xray binary at ${cli.bin}; the config file is written and sync-config applies it once Xray is there`);
    }
    let apiError = `nothing listens on ${cli.apiAddress}`;
    if (await cli.apiListening()) {
      try {
        await applyLive(cli);
        return outcome('api', true, 'applied through the Xray API');
      } catch (error) {
        apiError = (error as Error).message;
      }
      // The change may have half-applied: compare with what runs and try once more.
      try {
        await this.#reconcileLive(cli);
        return outcome('api', true, 'applied through the Xray API after reconciling');
      } catch (error) {
        apiError = (error as Error).message;
      }
    }
    // The API cannot be reached: start Xray, or restart it, from the file just written.
    const wasRunning = (await process.runningPid()) !== undefined;
    const method = wasRunning ? 'restart' : 'start';
    try {
      await (wasRunning ? process.restart() : process.start());
      await this.#waitForApi();
      return outcome(method, true, `Xray API unreachable (${apiError}); Xray ${wasRunning ? 'restarted' : 'started'} from the config file`);
    } catch (error) {
      return outcome(method, false, `Xray API unreachable (${apiError}) and Xray could not be ${method}ed: ${(error as Error).message}`);
    }
  }

  async #waitForApi(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.#options.cli.apiListening(500))) {
      if ((await this.#options.process.runningPid()) === undefined) throw new Error('Xray exited at start; see xray.log in the data dir');
      if (Date.now() > deadline) throw new Error(`Xray API did not come up on ${this.#options.cli.apiAddress}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async #reconcileLive(cli: XrayCli): Promise<void> {
    const expected = this.#expectedInbounds();
    const liveTags = await cli.listInboundTags();
    const stale = liveTags.filter((tag) => isKeyportTag(tag) && !expected.has(tag));
    await cli.removeInbounds(stale);
    const live = new Set(liveTags);
    await cli.addInbounds([...expected.values()].filter((inbound) => !live.has(inbound.tag)));
  }

  async #writeConfigNow(): Promise<void> {
    const { cli, configPath, realityKeys, reality } = this.#options;
    const apiListen = cli.apiAddress;
    const config = buildXrayConfig(this.#options.activeKeys(), apiListen, realityKeys, reality);
    const draft = `${configPath}.new`;
    await writeFile(draft, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    if (await cli.isInstalled()) {
      const test = await cli.testConfig(draft);
      if (!test.ok) {
        await rm(draft, { force: true });
        throw new XrayConfigInvalidError(`xray rejected the new config, the old one stays: ${test.output}`);
      }
    }
    await rename(draft, configPath);
  }

  #expectedInbounds(): Map<string, XrayInbound> {
    return new Map(this.#options.activeKeys().map((key) => [inboundTag(key.id), this.inboundFor(key)]));
  }
}

async function readConfigInbounds(path: string): Promise<XrayInbound[] | undefined> {
  try {
    const config = JSON.parse(await readFile(path, 'utf8')) as { inbounds?: XrayInbound[] };
    return config.inbounds ?? [];
  } catch {
    return undefined;
  }
}

function diffInbounds(expected: Map<string, XrayInbound>, actual: readonly XrayInbound[]): InboundDiff {
  const actualByTag = new Map(actual.map((inbound) => [inbound.tag, inbound]));
  const changed = [...expected]
    .filter(([tag, inbound]) => actualByTag.has(tag) && JSON.stringify(actualByTag.get(tag)) !== JSON.stringify(inbound))
    .map(([tag]) => tag);
  const diff = diffTags(expected, [...actualByTag.keys()]);
  return { ...diff, changed_inbounds: changed, in_sync: diff.in_sync && changed.length === 0 };
}

function diffTags(expected: Map<string, XrayInbound>, actualTags: readonly string[]): InboundDiff {
  const actual = new Set(actualTags);
  const missing = [...expected.keys()].filter((tag) => !actual.has(tag));
  const extra = actualTags.filter((tag) => isKeyportTag(tag) && !expected.has(tag));
  return { in_sync: missing.length === 0 && extra.length === 0, missing_inbounds: missing, extra_inbounds: extra, changed_inbounds: [] };
}
