import { readFile, rm, stat } from 'node:fs/promises';
import { SerialQueue } from '../../lib/coalesce.ts';
import { DeferredWrite } from '../../lib/deferred-write.ts';
import { renameSynced, writeSynced } from '../../lib/durable-file.ts';
import type { Logger } from '../../lib/logger.ts';
import { rotateLog } from '../../lib/rotate-log.ts';
import type { SocketHolder } from '../net/socket-holders.ts';
import { inboundRefusal } from './inbound-refusal.ts';
import type { ServerSettings } from '../settings/server-settings.ts';
import { LiveInbounds, XrayApiDownError, type FailedInbounds } from './live-inbounds.ts';
import type { RealityKeys } from './reality-keys.ts';
import { checkRouting, type RoutingCheck } from './routing-check.ts';
import type { XrayCli } from './xray-cli.ts';
import {
  buildInbound,
  buildXrayConfig,
  inboundTag,
  isKeyportTag,
  TAG_PREFIX_LENGTH,
  type InboundKey,
  type RealityOptions,
  type XrayConfig,
  type XrayInbound,
} from './xray-config.ts';
import { findPortHolders, type PortHolders } from './xray-port-holders.ts';
import type { XrayProcess } from './xray-process.ts';
import { NO_USAGE, processUsage, type ProcessUsage } from './process-usage.ts';
import { xrayVersionSupport, type XrayVersionSupport } from '../../api/xray-version-support.ts';

export interface XrayManagerOptions {
  cli: XrayCli;
  process: XrayProcess;
  configPath: string;
  realityKeys: RealityKeys;
  /** The server's settings as stored now (Reality, routing, access log). */
  settings: () => ServerSettings;
  /** Where the access log goes when the admin turns it on. */
  accessLogPath: string;
  /** Xray's stdout and stderr. */
  logPath: string;
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

/** An active key whose inbound does not serve, and why. */
export interface NotServing {
  key_id: string;
  port: number;
  /** inbound-failed: Xray refused to start it; not-listening: listed, but nothing of Xray's listens; port-taken: another program holds the port. */
  problem: 'inbound-failed' | 'not-listening' | 'port-taken';
  detail: string;
  holders: SocketHolder[];
}

export interface XrayStatus {
  in_sync: boolean;
  expected_inbounds: number;
  binary: { path: string; installed: boolean; version: string | null; version_support: XrayVersionSupport };
  process: { running: boolean; pid: number | null } & ProcessUsage;
  api: { address: string; reachable: boolean; error: string | null };
  config_file: InboundDiff & { path: string; exists: boolean; routing: RoutingCheck };
  live: (InboundDiff & { inbounds: number }) | null;
  not_serving: NotServing[];
  /** Xrays serving our config that are not the one in the pid file: they share our ports (SO_REUSEPORT). Sync stops them. */
  stray_processes: SocketHolder[];
  last_apply: ApplyOutcome | null;
}

export interface ApplyOutcome {
  at_ms: number;
  method: 'api' | 'restart' | 'start' | 'none';
  ok: boolean;
  detail: string;
}

/** What a periodic check did to the live inbounds, by tag; `skipped` says why it did nothing. */
export interface LiveReconcile {
  skipped: string | null;
  removed: string[];
  added: string[];
  /** Missing inbounds that Xray refused to start: reported in not_serving, left out of the file. */
  failed: string[];
}

export class XrayConfigInvalidError extends Error {}

type LiveChange = (live: LiveInbounds) => Promise<FailedInbounds | void>;

/** Key changes that arrived while the API was busy: applied together, removals first, in commands of API_BATCH_SIZE. */
interface KeyChangeBatch {
  add: XrayInbound[];
  remove: string[];
  failed: FailedInbounds;
  done?: Promise<ApplyOutcome>;
}

const LOG_MAX_BYTES = 10 * 1024 * 1024;
const API_WAIT_MS = 10_000;
/** While keys change, the file is written at most this often: one write and one `-test` for any number of changes. */
export const CONFIG_WRITE_DELAY_MS = 250;

/**
 * Owns Xray's config: applies each key change live through Xray's API at once, so no other
 * user's connection drops, and keeps the file equal to the active keys for the next start. A key
 * change costs the same at any number of keys: the file (every key's inbound) is written coalesced,
 * validated once per write before it replaces the old one. Whatever reads the file (status, the
 * checks, shutdown) flushes a pending write first; a crash before it is covered by `sync()` at
 * start, which writes the file from the store before Xray is started from it. Xray is (re)started
 * only when its API does not answer, never because one inbound could not start.
 */
export class XrayManager {
  readonly #options: XrayManagerOptions;
  readonly #live = new SerialQueue();
  readonly #file: DeferredWrite;
  /** Inbounds that could not start, by tag: left out of the file so they never stop Xray from starting. */
  readonly #failed = new Map<string, { detail: string; holders: SocketHolder[] }>();
  /** Inbounds whose config Xray refuses (`-test` fails with them alone), by tag: left out of the file, which stays valid. */
  readonly #rejected = new Map<string, string>();
  #lastApply: ApplyOutcome | null = null;
  /** The text last written after `-test` accepted it, and which binary tested it. */
  #written: { text: string; binary: string } | undefined;
  /** The batch that key changes join until it starts. */
  #openBatch: KeyChangeBatch | undefined;

  constructor(options: XrayManagerOptions) {
    this.#options = options;
    this.#file = new DeferredWrite(() => this.#writeConfigNow(), CONFIG_WRITE_DELAY_MS, (error) => {
      this.#lastApply = outcome('none', false, (error as Error).message);
      this.#options.log.warn(`xray: ${(error as Error).message}`);
    });
  }

  /** Writes the file now if a key change waits for it; resolves once the file holds every change made before. */
  flushConfig(): Promise<void> {
    return this.#file.flush();
  }

  get configPath(): string {
    return this.#options.configPath;
  }

  get realityOptions(): RealityOptions {
    const settings = this.#options.settings();
    return { dest: settings.realityTarget, serverNames: settings.realityServerNames, fingerprint: settings.realityFingerprint };
  }

  inboundFor(key: InboundKey): XrayInbound {
    return buildInbound(key, this.#options.realityKeys, this.realityOptions);
  }

  async keyAdded(key: InboundKey): Promise<ApplyOutcome> {
    return this.keysAdded([key]);
  }

  /** New or enabled keys: live at once, with other keys' changes made meanwhile; the file written soon after. */
  async keysAdded(keys: readonly InboundKey[]): Promise<ApplyOutcome> {
    const inbounds = keys.map((key) => this.inboundFor(key));
    return this.#keyChange(inbounds, [], inbounds.map((inbound) => inbound.tag));
  }

  async keyRemoved(keyId: string): Promise<ApplyOutcome> {
    const tag = inboundTag(keyId);
    this.#failed.delete(tag);
    this.#rejected.delete(tag);
    return this.#keyChange([], [tag], [tag]);
  }

  /**
   * Joins the batch that has not started yet, or opens one: changes to different keys that arrive
   * while Xray's API is busy go in one `rmi` and one `adi` (per API_BATCH_SIZE). KeyService runs
   * one key's changes one after another, so a batch holds at most one change per key, and a port
   * is never freed by a removal in the batch that adds it to another key (KeyService holds it until
   * the removal is done).
   */
  async #keyChange(add: readonly XrayInbound[], remove: readonly string[], tags: readonly string[]): Promise<ApplyOutcome> {
    let batch = this.#openBatch;
    if (!batch) {
      const opened: KeyChangeBatch = { add: [], remove: [], failed: new Map() };
      opened.done = this.#change(
        async (live) => {
          await live.remove(opened.remove);
          opened.failed = await this.#add(live, opened.add);
          return opened.failed;
        },
        undefined,
        'soon',
        // Closed when its turn comes, whether it goes through the API or a restart takes its place.
        () => {
          if (this.#openBatch === opened) this.#openBatch = undefined;
        },
      );
      this.#openBatch = opened;
      batch = opened;
    }
    batch.add.push(...add);
    batch.remove.push(...remove);
    const result = await batch.done!;
    if (result.method !== 'api' || batch.failed.size === 0) return result;
    // Each change is told about its own keys' inbounds only.
    return this.#liveOutcome(new Map([...batch.failed].filter(([tag]) => tags.includes(tag))));
  }

  /** Keys whose port changed: their old inbounds go, new ones come. */
  async keysMoved(keys: readonly InboundKey[], activeIds: ReadonlySet<string>): Promise<ApplyOutcome> {
    return this.#change(async (live) => {
      const present = new Set(await live.listTags());
      await live.remove(keys.map((key) => inboundTag(key.id)).filter((tag) => present.has(tag)));
      return this.#add(live, keys.filter((key) => activeIds.has(key.id)).map((key) => this.inboundFor(key)));
    });
  }

  /**
   * Every inbound again with the current Reality settings. Removing an inbound leaves its
   * established connections up (app/proxyman/inbound/inbound.go RemoveHandler closes the listener
   * only), so users stay connected; a new connection during the swap may be refused once.
   */
  async replaceInbounds(): Promise<ApplyOutcome> {
    return this.#change(async (live) => {
      await live.remove((await live.listTags()).filter(isKeyportTag));
      return this.#add(live, [...this.#expectedInbounds().values()]);
    });
  }

  /** For settings Xray cannot change live (routing, logging): a new Xray from the new file. */
  async restart(reason: string): Promise<ApplyOutcome> {
    return this.#change(undefined, reason);
  }

  /** Rewrites the file and makes the running Xray serve exactly the active keys (starting it if down). */
  async sync(): Promise<ApplyOutcome> {
    return this.#change((live) => this.#reconcile(live));
  }

  /**
   * The periodic check: live inbounds with our tag that no active key owns are removed, and active
   * keys' missing inbounds added (not those known to fail), through the API only. With Xray or
   * its API down it does nothing: a periodic check never restarts Xray (a key change or
   * sync-config does that).
   */
  async reconcileLive(): Promise<LiveReconcile> {
    const { cli } = this.#options;
    const skipped = (reason: string): LiveReconcile => ({ skipped: reason, removed: [], added: [], failed: [] });
    if (!(await cli.isInstalled())) return skipped(`no Xray binary at ${cli.bin}`);
    if (!(await cli.apiListening())) return skipped(`nothing listens on the Xray API address ${cli.apiAddress}`);
    return this.#live.run(async () => {
      const live = new LiveInbounds(cli);
      const expected = this.#expectedInbounds();
      const tags = await live.listTags();
      const present = new Set(tags);
      const orphans = tags.filter((tag) => isKeyportTag(tag) && !expected.has(tag));
      const missing = [...expected.values()].filter((inbound) => !present.has(inbound.tag) && !this.#failed.has(inbound.tag) && !this.#rejected.has(inbound.tag));
      await live.remove(orphans);
      const failedBefore = this.#failedKey();
      const failed = await this.#add(live, missing);
      if (this.#failedKey() !== failedBefore) await this.#file.now();
      return {
        skipped: null,
        removed: orphans,
        added: missing.map((inbound) => inbound.tag).filter((tag) => !failed.has(tag)),
        failed: [...failed.keys()],
      };
    });
  }

  /** Keeps Xray's own log and the access log under their size cap. */
  async rotateLogs(): Promise<void> {
    for (const path of [this.#options.logPath, this.#options.accessLogPath]) {
      if (await rotateLog(path, LOG_MAX_BYTES).catch(() => false)) this.#options.log.info(`xray: rotated ${path}`);
    }
  }

  async status(): Promise<XrayStatus> {
    const { cli, configPath, process } = this.#options;
    // A write that failed is in last_apply; the file is then reported as it is.
    await this.#file.flush().catch(() => undefined);
    const expected = this.#expectedInbounds();
    const inFile = this.#dueInFile(expected);
    const [installed, version, pid, fileConfig] = await Promise.all([cli.isInstalled(), cli.version(), process.runningPid(), readConfig(configPath)]);
    const fileInbounds = fileConfig?.inbounds ?? [];
    const configFile = {
      path: configPath,
      exists: fileConfig !== undefined,
      ...diffInbounds(inFile, fileInbounds),
      routing: checkRouting(fileConfig, this.#options.settings().allowPrivateDestinations),
    };

    const holders = await findPortHolders(this.#watchedPorts(expected), pid);
    let live: XrayStatus['live'] = null;
    let apiError: string | null = null;
    let notServing: NotServing[] = [];
    if (!installed) {
      apiError = `no Xray binary at ${cli.bin}`;
    } else if (!(await cli.apiListening())) {
      apiError = `nothing listens on the Xray API address ${cli.apiAddress}`;
    } else {
      try {
        const tags = await cli.listInboundTags();
        live = { inbounds: tags.length, ...diffTags(inFile, tags) };
        notServing = this.#notServing(expected, new Set(tags), await this.#servingHolders(expected, holders, pid));
      } catch (error) {
        apiError = (error as Error).message;
      }
    }
    const [strays, usage] = await Promise.all([this.#strays(holders, pid), pid === undefined ? NO_USAGE : processUsage(pid)]);
    return {
      in_sync:
        configFile.exists &&
        configFile.in_sync &&
        configFile.routing.in_sync &&
        live !== null &&
        live.in_sync &&
        notServing.length === 0 &&
        strays.length === 0,
      expected_inbounds: expected.size,
      binary: { path: cli.bin, installed, version: version ?? null, version_support: xrayVersionSupport(version) },
      process: { running: pid !== undefined, pid: pid ?? null, ...usage },
      api: { address: cli.apiAddress, reachable: live !== null, error: apiError },
      config_file: configFile,
      live,
      not_serving: notServing,
      stray_processes: strays,
      last_apply: this.#lastApply,
    };
  }

  /** The binary's `xray version` line, asked once per binary file; undefined without one that answers. */
  knownVersion(): Promise<string | undefined> {
    return this.#options.cli.knownVersion();
  }

  /** `xray run -test` on the current file; undefined when there is no binary to ask. */
  async testCurrentConfig(): Promise<{ ok: boolean; output: string } | undefined> {
    if (!(await this.#options.cli.isInstalled())) return undefined;
    await this.#file.flush().catch(() => undefined);
    return this.#options.cli.testConfig(this.#options.configPath);
  }

  /**
   * `file` 'now': the file is written (and validated) before the live change, as settings changes
   * and syncs need; 'soon': a key change, live at once and the file written coalesced after it.
   */
  async #change(applyLive: LiveChange | undefined, restartReason?: string, file: 'now' | 'soon' = 'now', onTurn?: () => void): Promise<ApplyOutcome> {
    let outcome: ApplyOutcome;
    try {
      if (file === 'now') await this.#file.now();
      outcome = await this.#live.run(async () => {
        onTurn?.();
        const failedBefore = this.#failedKey();
        const result = applyLive ? await this.#applyLive(applyLive) : await this.#startFresh(restartReason ?? 'settings changed');
        // An inbound that failed or came back changes what the file may hold.
        if (file === 'soon') this.#file.schedule();
        else if (this.#failedKey() !== failedBefore) await this.#file.now();
        return result;
      });
    } catch (error) {
      outcome = { at_ms: Date.now(), method: 'none', ok: false, detail: (error as Error).message };
    }
    this.#lastApply = outcome;
    if (!outcome.ok) this.#options.log.warn(`xray: ${outcome.detail}`);
    return outcome;
  }

  async #applyLive(applyLive: LiveChange): Promise<ApplyOutcome> {
    const { cli } = this.#options;
    if (!(await cli.isInstalled())) {
      return outcome('none', false, `no Xray binary at ${cli.bin}; the config file is written and sync-config applies it once Xray is there`);
    }
    let apiError = `nothing listens on ${cli.apiAddress}`;
    if (await cli.apiListening()) {
      const live = new LiveInbounds(cli);
      try {
        return this.#liveOutcome((await applyLive(live)) ?? new Map());
      } catch (error) {
        if (!(error instanceof XrayApiDownError)) throw error;
        apiError = error.message;
      }
    }
    return this.#startFresh(`Xray API unreachable (${apiError})`);
  }

  /**
   * A new Xray from the file: the old one is stopped and gone first, and so is any other Xray of
   * ours that holds our ports; a port another program holds keeps its key out of the file, so one
   * key never keeps Xray down for everyone.
   */
  async #startFresh(reason: string): Promise<ApplyOutcome> {
    const { cli, process } = this.#options;
    if (!(await cli.isInstalled())) return outcome('none', false, `no Xray binary at ${cli.bin}; ${reason}`);
    const wasRunning = (await process.runningPid()) !== undefined;
    const method = wasRunning ? 'restart' : 'start';
    try {
      await process.stop();
      const expected = this.#expectedInbounds();
      for (const stray of await this.#strays(await findPortHolders(this.#watchedPorts(expected), undefined), undefined)) {
        await process.stopPid(stray.pid);
      }
      const apiPort = portOf(cli.apiAddress);
      const { others } = await findPortHolders(this.#watchedPorts(expected), undefined);
      const apiHolders = others.get(apiPort);
      if (apiHolders) {
        return outcome(method, false, `${reason}; Xray not ${method}ed: its API address ${cli.apiAddress} is held by ${describeHolders(apiHolders)}`);
      }
      for (const [tag, inbound] of expected) {
        const holders = others.get(inbound.port);
        if (holders) this.#failed.set(tag, { detail: `port ${inbound.port} is held by ${describeHolders(holders)}`, holders });
        else this.#failed.delete(tag);
      }
      await this.#file.now();
      await process.start();
      await this.#waitForApi();
      const left = [...this.#failed.keys()].filter((tag) => expected.has(tag));
      const leftOut = left.length === 0 ? '' : `; ${left.length} key(s) left out: their port is held by another program`;
      return outcome(method, left.length === 0, `${reason}; Xray ${wasRunning ? 'restarted' : 'started'} from the config file${leftOut}`);
    } catch (error) {
      return outcome(method, false, `${reason}; Xray could not be ${method}ed: ${(error as Error).message}`);
    }
  }

  async #waitForApi(): Promise<void> {
    const deadline = Date.now() + API_WAIT_MS;
    while (!(await this.#options.cli.apiListening(500))) {
      if ((await this.#options.process.runningPid()) === undefined) {
        throw new Error(`Xray exited at start; see ${this.#options.logPath}`);
      }
      if (Date.now() > deadline) throw new Error(`Xray API did not come up on ${this.#options.cli.apiAddress}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async #add(live: LiveInbounds, inbounds: readonly XrayInbound[]): Promise<FailedInbounds> {
    const failed = await live.add(inbounds);
    for (const inbound of inbounds) {
      const detail = failed.get(inbound.tag);
      this.#failed.delete(inbound.tag);
      this.#rejected.delete(inbound.tag);
      if (detail === undefined) continue;
      const refusal = await inboundRefusal(this.#options.cli, this.#scaffold(), inbound, `${this.#options.configPath}.check.json`);
      if (refusal === undefined) this.#failed.set(inbound.tag, { detail, holders: [] });
      else this.#rejected.set(inbound.tag, refusal);
    }
    return failed;
  }

  #liveOutcome(failed: FailedInbounds): ApplyOutcome {
    const rejected = [...failed.keys()].filter((tag) => this.#rejected.has(tag));
    if (rejected.length === 0) return liveOutcome(failed);
    const more = rejected.length > 1 ? ` (and ${rejected.length - 1} more)` : '';
    return outcome(
      'api',
      false,
      `xray rejected the new config of inbound ${rejected[0]}${more}, which stays out of the file: ${this.#rejected.get(rejected[0]!)}`,
    );
  }

  /** Makes the running Xray serve the active keys: strays stopped, stale tags out, dead or missing inbounds (re)added. */
  async #reconcile(live: LiveInbounds): Promise<FailedInbounds> {
    const { process } = this.#options;
    const expected = this.#expectedInbounds();
    let pid = await process.runningPid();
    const strays = await this.#strays(await findPortHolders(this.#watchedPorts(expected), pid), pid);
    if (pid === undefined && strays[0]) {
      // The pid file was lost while our Xray ran on: keep that one, as it answers the API.
      pid = strays[0].pid;
      await process.adopt(pid);
      this.#options.log.warn(`xray: adopted Xray pid ${pid}, which serves our config without being in the pid file`);
    }
    for (const stray of strays.filter((candidate) => candidate.pid !== pid)) {
      this.#options.log.warn(`xray: stopping a second Xray (pid ${stray.pid}) that shares our ports`);
      await process.stopPid(stray.pid);
    }
    const liveTags = await live.listTags();
    const present = new Set(liveTags);
    const { serving } = await findPortHolders(new Set([...expected.values()].map((inbound) => inbound.port)), pid);
    const dead = [...expected.values()].filter((inbound) => present.has(inbound.tag) && !serving.has(inbound.port)).map((inbound) => inbound.tag);
    await live.remove([...liveTags.filter((tag) => isKeyportTag(tag) && !expected.has(tag)), ...dead]);
    const deadSet = new Set(dead);
    return this.#add(live, [...expected.values()].filter((inbound) => !present.has(inbound.tag) || deadSet.has(inbound.tag)));
  }

  #notServing(expected: Map<string, XrayInbound>, liveTags: ReadonlySet<string>, { serving, others }: PortHolders): NotServing[] {
    const result: NotServing[] = [];
    for (const [tag, inbound] of expected) {
      const keyId = tag.slice(TAG_PREFIX_LENGTH);
      const failed = this.#failed.get(tag);
      const holders = (others.get(inbound.port) ?? []).filter((holder) => !holder.command.includes(this.#options.configPath));
      if (failed) {
        result.push({ key_id: keyId, port: inbound.port, problem: holders.length ? 'port-taken' : 'inbound-failed', detail: failed.detail, holders });
      } else if (liveTags.has(tag) && !serving.has(inbound.port)) {
        result.push({
          key_id: keyId,
          port: inbound.port,
          problem: holders.length ? 'port-taken' : 'not-listening',
          detail: holders.length
            ? `port ${inbound.port} is held by ${describeHolders(holders)}`
            : `Xray lists the inbound but nothing of Xray's listens on port ${inbound.port}`,
          holders,
        });
      }
    }
    return result;
  }

  /**
   * Whose sockets count as served: the pid file's Xray, or, when its pid file was lost, the Xray of
   * ours that answers on the API address (a stray, which sync adopts), so its keys are not all
   * reported as not listening meanwhile.
   */
  async #servingHolders(expected: Map<string, XrayInbound>, holders: PortHolders, pid: number | undefined): Promise<PortHolders> {
    if (pid !== undefined) return holders;
    for (const holder of holders.others.get(portOf(this.#options.cli.apiAddress)) ?? []) {
      if (await this.#options.process.runsOurConfig(holder.pid)) return findPortHolders(this.#watchedPorts(expected), holder.pid);
    }
    return holders;
  }

  /** Processes other than `pid` that run Xray on our config file and hold our API address or a key port. */
  async #strays({ others }: PortHolders, pid: number | undefined): Promise<SocketHolder[]> {
    const seen = new Map<number, SocketHolder>();
    for (const holder of [...others.values()].flat()) {
      if (holder.pid !== pid && !seen.has(holder.pid) && (await this.#options.process.runsOurConfig(holder.pid))) seen.set(holder.pid, holder);
    }
    return [...seen.values()];
  }

  /** The API address's port and every active key's port. */
  #watchedPorts(expected: Map<string, XrayInbound>): Set<number> {
    return new Set([portOf(this.#options.cli.apiAddress), ...[...expected.values()].map((inbound) => inbound.port)]);
  }

  /** The file without inbounds: API, log, outbounds, routing. */
  #scaffold(): XrayConfig {
    const settings = this.#options.settings();
    return buildXrayConfig([], {
      apiListen: this.#options.cli.apiAddress,
      realityKeys: this.#options.realityKeys,
      reality: this.realityOptions,
      allowPrivateDestinations: settings.allowPrivateDestinations,
      ...(settings.accessLog ? { accessLogPath: this.#options.accessLogPath } : {}),
    });
  }

  async #writeConfigNow(): Promise<void> {
    const { cli, configPath } = this.#options;
    const expected = this.#expectedInbounds();
    const config = this.#scaffold();
    config.inbounds = [...this.#dueInFile(expected).values()].filter((inbound) => !this.#rejected.has(inbound.tag));
    // Xray picks the format from the extension (core/config.go:82-95): the draft keeps `.json`.
    const draft = `${configPath}.new.json`;
    const text = `${JSON.stringify(config, null, 2)}\n`;
    // A start writes the file, then starts Xray, which writes it again: the same text, already
    // tested by the same binary and still on disk, is not written and tested a second time.
    const binary = await binaryIdentity(cli.bin);
    if (this.#written?.text === text && this.#written.binary === binary && (await readFile(configPath, 'utf8').catch(() => undefined)) === text) return;
    this.#written = undefined;
    await writeSynced(draft, text, 0o600);
    if (await cli.isInstalled()) {
      const test = await cli.testConfig(draft);
      if (!test.ok) {
        await rm(draft, { force: true });
        throw new XrayConfigInvalidError(`xray rejected the new config, the old one stays: ${test.output}`);
      }
    }
    await renameSynced(draft, configPath);
    if (binary !== '') this.#written = { text, binary };
  }

  #expectedInbounds(): Map<string, XrayInbound> {
    return new Map(this.#options.activeKeys().map((key) => [inboundTag(key.id), this.inboundFor(key)]));
  }

  /**
   * What the file should hold: the expected inbounds less those that could not start. Those Xray
   * rejects are due too, so status reports them missing, but the file is written without them.
   */
  #dueInFile(expected: Map<string, XrayInbound>): Map<string, XrayInbound> {
    return new Map([...expected].filter(([tag]) => !this.#failed.has(tag)));
  }

  #failedKey(): string {
    return `${[...this.#failed.keys()].sort().join(',')}|${[...this.#rejected.keys()].sort().join(',')}`;
  }
}

function outcome(method: ApplyOutcome['method'], ok: boolean, detail: string): ApplyOutcome {
  return { at_ms: Date.now(), method, ok, detail };
}

function liveOutcome(failed: FailedInbounds): ApplyOutcome {
  if (failed.size === 0) return outcome('api', true, 'applied through the Xray API');
  const [tag, output] = [...failed][0]!;
  const more = failed.size > 1 ? ` (and ${failed.size - 1} more)` : '';
  return outcome('api', false, `applied through the Xray API, but Xray could not start inbound ${tag}${more}: ${output}; the other keys are served as before`);
}

function describeHolders(holders: readonly SocketHolder[]): string {
  return holders.map((holder) => `pid ${holder.pid} (${holder.command || 'unknown'})`).join(', ');
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

async function readConfig(path: string): Promise<{ inbounds?: XrayInbound[]; routing?: unknown; outbounds?: unknown } | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
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

/** The binary's inode, size and change time ("" when it is missing): a new binary tests again. */
async function binaryIdentity(bin: string): Promise<string> {
  const info = await stat(bin).catch(() => undefined);
  return info === undefined ? '' : `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
}
