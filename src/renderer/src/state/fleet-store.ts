import { create } from 'zustand';
import type { DeployOptions, DeployResult } from '../../../shared/contract/deploy.ts';
import type { KeyportErrorCode } from '../../../shared/contract/errors.ts';
import { isHostKeyState, type ServerInfo, type ServerStatus } from '../../../shared/contract/servers.ts';
import type { Cached } from '../../../shared/contract/services.ts';
import type { HostFigures, TrafficSummaryReport } from '../../../shared/contract/api-types.ts';
import { services } from '../bridge/services.ts';
import { errorCode, errorFacts, errorMessage } from '../format/error-message.ts';
import { keyedEntries, loadEntry } from './keyed-entries.ts';
import { load, type Loadable } from './loadable.ts';
import { runOperation } from './operations-store.ts';
import { trackProgressRun, type ProgressRun } from './progress-run.ts';
import { useSecretRequestStore } from './secret-request-store.ts';
import {
  contactOfAnswer,
  contactOfFailure,
  contactOfStatus,
  isUnreachableState,
  mergedContact,
  serverCondition,
  type ServerCondition,
  type ServerContact,
} from './server-condition.ts';

/** What the window asks of a deploy: the subscription listener (the deploy dialog), taking a held lock. */
export type DeployRequest = Pick<DeployOptions, 'breakLock' | 'subscriptions'>;

/** A deploy or upgrade: its streamed steps as they came, and how it ended. */
export interface DeployRun extends ProgressRun<DeployResult> {
  /** The failure's code and facts, for the action that fits it (a held lock offers breaking it). */
  errorCode?: KeyportErrorCode | null;
  errorFacts?: Readonly<Record<string, string | number | boolean | null>> | null;
  /** What a failed deploy was asked, so breaking a lock deploys the same again. */
  request?: DeployRequest;
}

interface FleetState {
  servers: ServerInfo[];
  list: Loadable<true>;
  statuses: Record<string, Loadable<ServerStatus>>;
  summaries: Record<string, Loadable<Cached<TrafficSummaryReport>>>;
  /** Each server's uptime, load, memory, disk and Xray version, live or as last read. */
  hosts: Record<string, Loadable<Cached<HostFigures>>>;
  deploys: Record<string, DeployRun>;
  /** By server id: what the latest call showed about reaching it (see server-condition.ts). */
  contacts: Record<string, ServerContact>;
  loadFleet(): Promise<void>;
  refreshServer(serverId: string): Promise<void>;
  /** Files what a call showed about reaching the server; one that contradicts its status has the status checked again. */
  noteContact(serverId: string, contact: ServerContact): void;
  /** Today, this month and the last sample's time of one server (live, or the cache's while offline). */
  loadSummary(serverId: string): Promise<void>;
  removeServer(serverId: string): Promise<boolean>;
  deploy(serverId: string, request?: DeployRequest): Promise<void>;
  /** Puts away the log of a deploy that has ended. */
  dismissDeploy(serverId: string): void;
  /** Trusts the host key the server presents now (it must be `fingerprint`), then checks the server again. */
  trustHostKey(serverId: string, fingerprint: string): Promise<boolean>;
  /** Hands the core the SSH secret it asked for; once taken, the question is put away and the server checked again. */
  provideSecret(serverId: string, secret: string): Promise<boolean>;
}

export const removeServerOperation = (serverId: string) => `fleet.remove:${serverId}`;
export const trustHostKeyOperation = (serverId: string) => `fleet.trustHostKey:${serverId}`;
export const PROVIDE_SECRET_OPERATION = 'fleet.provide-secret';

export const useFleetStore = create<FleetState>()((set, get) => ({
  servers: [],
  list: { loading: false, error: null },
  statuses: {},
  summaries: {},
  hosts: {},
  deploys: {},
  contacts: {},

  async loadFleet() {
    const loaded = await load<true>(
      (change) => set((state) => ({ list: change(state.list) })),
      async () => {
        set({ servers: await services.fleet.list() });
        return true;
      },
    );
    if (loaded) await Promise.all(get().servers.map((server) => get().refreshServer(server.id)));
  },

  async refreshServer(serverId) {
    const status = await loadEntry(keyedEntries(set, 'statuses'), serverId, () => services.fleet.status(serverId));
    if (status) {
      set((state) => ({
        servers: state.servers.map((server) => (server.id === serverId ? status.server : server)),
        contacts: { ...state.contacts, [serverId]: contactOfStatus(status, Date.now()) },
      }));
    }
    // A server never deployed has no traffic, live or cached.
    if (!status?.server.agent || isHostKeyState(status.state)) return;
    await Promise.all([get().loadSummary(serverId), loadEntry(keyedEntries(set, 'hosts'), serverId, () => callServer(serverId, () => services.system.host(serverId)))]);
  },

  async loadSummary(serverId) {
    await loadEntry(keyedEntries(set, 'summaries'), serverId, () => callServer(serverId, () => services.traffic.summary(serverId)));
  },

  async removeServer(serverId) {
    const removed = await runOperation(removeServerOperation(serverId), async () => {
      await services.fleet.remove(serverId);
      return true;
    });
    if (removed) set((state) => ({ servers: state.servers.filter((server) => server.id !== serverId) }));
    return removed === true;
  },

  async deploy(serverId, request = {}) {
    if (get().deploys[serverId]?.running) return;
    const options: DeployOptions = {};
    if (request.subscriptions !== undefined) options.subscriptions = request.subscriptions;
    if (request.breakLock) options.breakLock = true;
    await trackProgressRun(
      keyedEntries(set, 'deploys'),
      serverId,
      (onProgress) => services.deploy.deploy(serverId, options, onProgress),
      (error) => ({ error: errorMessage(error), errorCode: errorCode(error) ?? null, errorFacts: errorFacts(error) ?? null, request }),
    );
    await get().refreshServer(serverId);
  },

  async trustHostKey(serverId, fingerprint) {
    const trusted = await runOperation(trustHostKeyOperation(serverId), () => services.fleet.trustHostKey(serverId, fingerprint));
    if (!trusted) return false;
    set((state) => ({ servers: state.servers.map((server) => (server.id === serverId ? trusted : server)) }));
    await get().refreshServer(serverId);
    return true;
  },

  async provideSecret(serverId, secret) {
    const given = await runOperation(PROVIDE_SECRET_OPERATION, async () => {
      await services.fleet.provideSecret(serverId, secret);
      return true;
    });
    if (!given) return false;
    useSecretRequestStore.getState().dismiss();
    await get().refreshServer(serverId);
    return true;
  },

  noteContact(serverId, contact) {
    const status = get().statuses[serverId];
    const filed = mergedContact(get().contacts[serverId], contact);
    if (filed === get().contacts[serverId]) return;
    set((state) => ({ contacts: { ...state.contacts, [serverId]: filed } }));
    const statusReached = status?.value ? !isUnreachableState(status.value.state) : undefined;
    if (statusReached !== undefined && statusReached !== contact.reached && !status?.loading) void get().refreshServer(serverId);
  },

  dismissDeploy(serverId) {
    if (get().deploys[serverId]?.running) return;
    keyedEntries(set, 'deploys').remove(serverId);
  },
}));

export const selectServer = (serverId: string) => (state: FleetState) => state.servers.find((server) => server.id === serverId);
export const selectStatus = (serverId: string) => (state: FleetState) => state.statuses[serverId];
export const selectSummary = (serverId: string) => (state: FleetState) => state.summaries[serverId];
export const selectHost = (serverId: string) => (state: FleetState) => state.hosts[serverId];
export const selectDeploy = (serverId: string) => (state: FleetState) => state.deploys[serverId];
/** The server as every view shows it: compare with useShallow (a new object each time). */
export const selectCondition = (serverId: string) => (state: FleetState): ServerCondition =>
  serverCondition({ status: state.statuses[serverId], deployRunning: state.deploys[serverId]?.running === true, contact: state.contacts[serverId] });

/**
 * Runs a call that goes to a server (never a local one) and files what it showed about reaching it: so a key list served from
 * the cache, or a change refused as offline, turns every view offline at once, not at the next check.
 */
export async function callServer<T>(serverId: string, call: () => Promise<T>): Promise<T> {
  const note = (contact: ServerContact | undefined) => contact && useFleetStore.getState().noteContact(serverId, contact);
  try {
    const answer = await call();
    // Only a read can answer from the cache; anything else that answered came from the server.
    note(isCached(answer) ? contactOfAnswer(answer, Date.now()) : { reached: true, from: 'call', at: Date.now() });
    return answer;
  } catch (error) {
    note(contactOfFailure(errorCode(error), errorFacts(error), error instanceof Error ? error.message : String(error), Date.now()));
    throw error;
  }
}

function isCached(answer: unknown): answer is Cached<unknown> {
  return typeof answer === 'object' && answer !== null && 'source' in answer && (answer.source === 'live' || answer.source === 'cache') && 'syncedAt' in answer;
}
