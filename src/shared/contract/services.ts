import type {
  ApiKey,
  ConfigStatusReport,
  ConfigSyncReport,
  DailyKeysTrafficReport,
  DailyTrafficReport,
  HistoryOverview,
  HostFigures,
  KeyConfig,
  KeyHistoryReport,
  KeyLimits,
  KeyMonthlyReport,
  KeyUpdate,
  LiveTraffic,
  MonthlyReport,
  PortsInUse,
  RealityCheckReport,
  ServerSettings,
  ServerSettingsPatch,
  ServerSettingsUpdate,
  TrafficSummaryReport,
} from './api-types.ts';
import {
  AddServerRequest as AddServerRequestArg,
  CreateManyOptions as CreateManyOptionsArg,
  DeployOptions as DeployOptionsArg,
  KeyBatchEntries,
  KeyId,
  KeyLimits as KeyLimitsArg,
  KeyUpdate as KeyUpdateArg,
  LinkSettingsChange as LinkSettingsChangeArg,
  MoveRequest as MoveRequestArg,
  PersonLimits as PersonLimitsArg,
  ServerRef,
  SettingsPatch,
  SshAliasTarget,
  SshTarget as SshTargetArg,
  Text,
  UninstallOptions as UninstallOptionsArg,
  XrayInstallRequest as XrayInstallRequestArg,
  YearMonth as YearMonthArg,
  arg,
  optionalArg,
  type ArgStatic,
  type CallArg,
} from './call-args.ts';
import { Type } from '@sinclair/typebox';
import type { DeployOptions, DeployProgress, DeployResult, UninstallOptions, XrayInstallRequest, XrayInstallResult } from './deploy.ts';
import type { CreateManyOptions, CreateManyProgress, CreateManyResult, KeyBatchEntry } from './key-batch.ts';
import type { LinkSettingsChange, LinkSettingsResult } from './link-settings.ts';
import type { MoveProgress, MoveRequest, MoveResult, PeopleChange, PeopleList, PersonDetail, PersonLimits } from './people.ts';
import type { PortCheck } from './server-health.ts';
import type { AddServerRequest, HostKeyProbe, ServerInfo, ServerStatus, SshTarget } from './servers.ts';

/** A read's answer: fresh from the server, or from the local cache when the server is offline. */
export interface Cached<T> {
  data: T;
  source: 'live' | 'cache';
  /** When this data was last fetched from the server (ISO 8601). */
  syncedAt: string;
}

export interface YearMonth {
  year: number;
  month: number;
}

/** Servers are named by their id or their unique name everywhere below. */
export interface Fleet {
  list(): Promise<ServerInfo[]>;
  /**
   * The hosts the SSH config of the machine the console runs on names (`Host` lines of
   * ~/.ssh/config and its Includes), to offer as aliases: no patterns (`*`, `?`) or negations.
   */
  sshConfigHosts(): Promise<string[]>;
  probeHostKey(target: SshTarget | { sshAlias: string }): Promise<HostKeyProbe>;
  add(request: AddServerRequest): Promise<ServerInfo>;
  remove(server: string): Promise<void>;
  status(server: string): Promise<ServerStatus>;
  /** Refreshes the cache of one server now: keys, live, history, this month, every key's days. */
  sync(server: string): Promise<void>;
  /**
   * Gives the SSH password or key passphrase a `secret-required` error asked for: sealed with the
   * OS keychain when there is one, else kept in memory until the console stops.
   */
  provideSecret(server: string, secret: string): Promise<void>;
  /**
   * Connects from this machine to one active key's port on the host its link names (a few seconds
   * at most), now, not from the cache: whether users could reach it, or which ports to open.
   */
  checkPorts(server: string): Promise<PortCheck>;
  /**
   * Trusts the host key the server (or one of its ProxyJump hops) presents now, after a
   * `host-key-changed` or `host-key-unknown`: refused unless it is `fingerprint`. The server keeps its
   * keys and history.
   */
  trustHostKey(server: string, fingerprint: string): Promise<ServerInfo>;
}

export interface Deploy {
  deploy(server: string, options?: DeployOptions, onProgress?: (progress: DeployProgress) => void): Promise<DeployResult>;
  uninstall(server: string, options: UninstallOptions, onProgress?: (progress: DeployProgress) => void): Promise<void>;
  /** The explicit step that puts Xray on a server; deploy only detects it. */
  installXray(server: string, request: XrayInstallRequest, onProgress?: (progress: DeployProgress) => void): Promise<XrayInstallResult>;
  /**
   * Changes how the server's links are written: the link host, Reality's target and server names,
   * the key port range. Everything is checked before anything changes: a bad value is `bad-input`
   * (facts: `field`), a range that leaves out a key's port is `key-ports-exclude-keys`. A new range
   * deploys the agent again with it (`onProgress` hears the deploy's steps); the settings follow.
   * Every key's link and QR code then change: people re-import them, unless they use subscription links.
   */
  changeLinkSettings(server: string, change: LinkSettingsChange, onProgress?: (progress: DeployProgress) => void): Promise<LinkSettingsResult>;
}

export interface Keys {
  list(server: string): Promise<Cached<ApiKey[]>>;
  /**
   * Creates a key, with a quota, reset period, expiry and note when `limits` gives them. A bad limit
   * is `bad-input` with facts `field` (data_limit_bytes, data_limit_reset, expires_at, note) and
   * `problem`, and nothing is sent.
   */
  create(server: string, name: string, limits?: KeyLimits): Promise<ApiKey>;
  /**
   * Creates keys for many names (1 to CREATE_MANY_MAX_NAMES), bare or each with its own limits
   * (which override `options.limits` field by field). Every name and limit is checked first (the
   * key-name rule, repeats in the list, names the server has, the limits' rules): one bad entry is
   * `bad-input` naming it (`index`, and `field` for a limit), and nothing is created. The agent then
   * gets them in batches, each created all or none; a failure names how many were created before it.
   */
  createMany(server: string, names: KeyBatchEntry[], options?: CreateManyOptions, onProgress?: (progress: CreateManyProgress) => void): Promise<CreateManyResult>;
  remove(server: string, keyId: string): Promise<void>;
  setActive(server: string, keyId: string, active: boolean): Promise<ApiKey>;
  /** Gives the key a new name (its link's #name follows). Another key's name: `name-taken`. */
  rename(server: string, keyId: string, name: string): Promise<ApiKey>;
  /**
   * Changes any of a key's name, `is_active`, quota, reset period, expiry and note at once, all or
   * nothing (`null` clears a quota or an expiry). Checked as `create` checks limits; a taken name is
   * `name-taken`. Raising a limited key's quota or moving an expired key's date on brings it back.
   */
  update(server: string, keyId: string, changes: KeyUpdate): Promise<ApiKey>;
  config(server: string, keyId: string): Promise<Cached<KeyConfig>>;
  /** Zeroes the key's live counters (the history keeps what was counted). */
  resetLiveTraffic(server: string, keyId: string): Promise<void>;
  /** Deletes the key's daily and monthly history on the server and in the cache. */
  resetHistory(server: string, keyId: string): Promise<void>;
  /** A new subscription token for the key: its old subscription link answers 404 at once. The key as it is now. */
  rotateSubscription(server: string, keyId: string): Promise<ApiKey>;
}

export interface Traffic {
  live(server: string): Promise<Cached<LiveTraffic>>;
  history(server: string): Promise<Cached<HistoryOverview>>;
  keyHistory(server: string, keyId: string): Promise<Cached<KeyHistoryReport>>;
  daily(server: string, date: string): Promise<Cached<DailyTrafficReport>>;
  /** One day per key (keys without a row moved nothing): the keys table's "Today", in one call. */
  dailyByKey(server: string, date: string): Promise<Cached<DailyKeysTrafficReport>>;
  monthly(server: string, month?: YearMonth): Promise<Cached<MonthlyReport>>;
  keyMonthly(server: string, keyId: string, month?: YearMonth): Promise<Cached<KeyMonthlyReport>>;
  /** Key counts, live rate, today, this month and lifetime totals: the fleet view's line. */
  summary(server: string): Promise<Cached<TrafficSummaryReport>>;
}

/** Xray and the firewall kept in step with the keys. */
export interface System {
  configStatus(server: string): Promise<Cached<ConfigStatusReport>>;
  /** Brings the firewall rules and Xray's inbounds back in line with the keys. */
  syncConfig(server: string): Promise<ConfigSyncReport>;
  verifyReality(server: string): Promise<RealityCheckReport>;
  ports(server: string): Promise<Cached<PortsInUse>>;
  /** The host's uptime, load, memory, disk and Xray version; offline, the last ones read (`not-found` from an agent older than them). */
  host(server: string): Promise<Cached<HostFigures>>;
  /** The server's settings: Reality target, server names and fingerprint, and the agent's switches. */
  settings(server: string): Promise<Cached<ServerSettings>>;
  /**
   * Changes some settings (a bad value is `bad-input` and changes nothing). The agent rewrites
   * Xray's config and applies it live; keys' links follow the new server names and fingerprint.
   */
  updateSettings(server: string, patch: ServerSettingsPatch): Promise<ServerSettingsUpdate>;
}

/**
 * People (beyond the spec): a person is one VLESS uuid, with a key on each of their servers.
 * PERSON is a uuid or a person's name. A change names what happened per server (`outcomes`): a
 * server that is offline is reported there, never stops the others. After a change every key of the
 * person gets its bundle (`PUT /api/keys/{id}/bundle`): the vless:// links of their other keys, so
 * the subscription of any of them lists all.
 */
export interface People {
  /** Everyone across the fleet, grouped by uuid; offline servers from the cache. Due disables of a move are done first. */
  list(): Promise<PeopleList>;
  /** One person, with each key's vless:// link. */
  show(person: string): Promise<PersonDetail>;
  /** A key named `name` with one fresh uuid on each of `servers`, with `limits` each. */
  add(name: string, servers: string[], limits?: PersonLimits): Promise<PeopleChange>;
  /** A key for the person on one more server: their uuid, name and the limits of one of their keys. */
  addServer(person: string, server: string): Promise<PeopleChange>;
  /** Deletes the person's key (and its history) on one server. */
  removeServer(person: string, server: string): Promise<PeopleChange>;
  /** Deletes every key of the person, everywhere. */
  remove(person: string): Promise<PeopleChange>;
  /**
   * Gives the people of `from` (all, or those named) keys on `to` with their uuids, names and
   * limits (quota periods start anew there), pushes every bundle, and disables their keys on
   * `from` at once (`disableAfterMs` 0), after a grace period (done by the first People call once
   * it has passed, the console being often closed), or never (left out). `onProgress` hears each step.
   */
  move(request: MoveRequest, onProgress?: (progress: MoveProgress) => void): Promise<MoveResult>;
  /** Pushes the person's bundles again (say, once an offline server is back). */
  pushBundles(person: string): Promise<PeopleChange>;
  /**
   * A new subscription link for the person: each key of theirs that serves one gets a new token, and
   * the old links answer 404 at once. A server that cannot be reached is reported and keeps its old one.
   * None of their servers serving subscriptions is `bad-input` (problem `no-subscriptions`).
   */
  rotateSubscription(person: string): Promise<PeopleChange>;
}

/** A local port forward to a server's agent, for curl and scripts. */
export interface TunnelInfo {
  url: string;
  apiKey: string;
  close(): Promise<void>;
}

/** Everything the console can do; the window, web mode and the CLI all drive this. */
export interface KeyportServices {
  fleet: Fleet;
  deploy: Deploy;
  keys: Keys;
  traffic: Traffic;
  system: System;
  people: People;
}

/** How a method crosses a bridge: its data arguments, and whether a progress callback follows them. */
export interface CallSpec {
  args: readonly CallArg[];
  /** The method takes a progress callback after its arguments. */
  progress?: true;
}

const server = arg('server', ServerRef);
const keyId = arg('keyId', KeyId);
const person = arg('person', Type.String({ minLength: 1 }));
const progress = true;

/**
 * Every method of the contract with its arguments' schemas: a bridge carries these calls and no
 * others, and refuses arguments that do not match before a service sees them. `ManifestMatches`
 * below keeps the schemas and the interfaces above in step.
 */
export const SERVICE_CALLS = {
  fleet: {
    list: { args: [] },
    sshConfigHosts: { args: [] },
    probeHostKey: { args: [arg('target', Type.Union([SshTargetArg, SshAliasTarget]))] },
    add: { args: [arg('request', AddServerRequestArg)] },
    remove: { args: [server] },
    status: { args: [server] },
    sync: { args: [server] },
    provideSecret: { args: [server, arg('secret', Text)] },
    checkPorts: { args: [server] },
    trustHostKey: { args: [server, arg('fingerprint', Text)] },
  },
  deploy: {
    deploy: { args: [server, optionalArg('options', DeployOptionsArg)], progress },
    uninstall: { args: [server, arg('options', UninstallOptionsArg)], progress },
    installXray: { args: [server, arg('request', XrayInstallRequestArg)], progress },
    changeLinkSettings: { args: [server, arg('change', LinkSettingsChangeArg)], progress },
  },
  keys: {
    list: { args: [server] },
    create: { args: [server, arg('name', Text), optionalArg('limits', KeyLimitsArg)] },
    createMany: { args: [server, arg('names', KeyBatchEntries), optionalArg('options', CreateManyOptionsArg)], progress },
    remove: { args: [server, keyId] },
    setActive: { args: [server, keyId, arg('active', Type.Boolean())] },
    rename: { args: [server, keyId, arg('name', Text)] },
    update: { args: [server, keyId, arg('changes', KeyUpdateArg)] },
    config: { args: [server, keyId] },
    resetLiveTraffic: { args: [server, keyId] },
    resetHistory: { args: [server, keyId] },
    rotateSubscription: { args: [server, keyId] },
  },
  traffic: {
    live: { args: [server] },
    history: { args: [server] },
    keyHistory: { args: [server, keyId] },
    daily: { args: [server, arg('date', Text)] },
    dailyByKey: { args: [server, arg('date', Text)] },
    monthly: { args: [server, optionalArg('month', YearMonthArg)] },
    keyMonthly: { args: [server, keyId, optionalArg('month', YearMonthArg)] },
    summary: { args: [server] },
  },
  system: {
    configStatus: { args: [server] },
    syncConfig: { args: [server] },
    verifyReality: { args: [server] },
    ports: { args: [server] },
    host: { args: [server] },
    settings: { args: [server] },
    updateSettings: { args: [server, arg('patch', SettingsPatch)] },
  },
  people: {
    list: { args: [] },
    show: { args: [person] },
    add: { args: [arg('name', Text), arg('servers', Type.Array(ServerRef, { minItems: 1 })), optionalArg('limits', PersonLimitsArg)] },
    addServer: { args: [person, server] },
    removeServer: { args: [person, server] },
    remove: { args: [person] },
    move: { args: [arg('request', MoveRequestArg)], progress },
    pushBundles: { args: [person] },
    rotateSubscription: { args: [person] },
  },
} as const satisfies { [S in keyof KeyportServices]: { [M in keyof KeyportServices[S]]: CallSpec } };

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** A parameter list with every optional parameter given, maybe as undefined: `[a?: X]` becomes `[X | undefined]`. */
type AllGiven<P> = P extends unknown[] ? (number extends P['length'] ? P : AllGivenTuple<P>) : never;
type AllGivenTuple<P> = P extends unknown[] ? (number extends P['length'] ? P : AllGivenStep<P>) : never;
type AllGivenStep<P> = P extends [] ? [] : P extends [infer First, ...infer Rest] ? [First, ...AllGivenTuple<Rest>] : P extends [(infer First)?, ...infer Rest] ? [First | undefined, ...AllGivenTuple<Rest>] : P;
type Params<F> = F extends (...args: infer P) => unknown ? P : never;
/** Whether a method's parameters are its spec's arguments (same types, same optional ones), then its progress callback if it has one. */
type SpecMatches<Spec, P> = Spec extends { args: infer A extends readonly CallArg[] }
  ? Same<
      { -readonly [I in keyof A]: A[I] extends CallArg<infer _S, true> ? ArgStatic<A[I]> | undefined : ArgStatic<A[I]> },
      Spec extends { progress: true } ? (AllGiven<P> extends [...infer Data, unknown] ? Data : never) : AllGiven<P>
    >
  : false;
type Mismatches = {
  [S in keyof KeyportServices]: {
    [M in keyof KeyportServices[S]]: M extends keyof (typeof SERVICE_CALLS)[S]
      ? SpecMatches<(typeof SERVICE_CALLS)[S][M], Params<KeyportServices[S][M]>> extends true
        ? never
        : `${S & string}.${M & string}`
      : never;
  }[keyof KeyportServices[S]];
}[keyof KeyportServices];
/** Fails to compile, naming the method, when a schema and its interface disagree. */
export const manifestMatches: [Mismatches] extends [never] ? true : { schemaDisagreesWithInterface: Mismatches } = true;

