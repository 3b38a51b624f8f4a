import { create } from 'zustand';
import type { DeployOptions, DeployResult } from '../../../shared/contract/deploy.ts';
import type { KeyportErrorCode } from '../../../shared/contract/errors.ts';
import { isHostKeyState, type ServerInfo, type ServerStatus } from '../../../shared/contract/servers.ts';
import type { Cached } from '../../../shared/contract/services.ts';
import type { TrafficSummaryReport } from '../../../shared/contract/api-types.ts';
import { services } from '../bridge/services.ts';
import { errorCode, errorFacts, errorMessage } from '../format/error-message.ts';
import { healthDisplayState, type HealthDisplayState } from './health-display-state.ts';
import { keyedEntries, loadEntry } from './keyed-entries.ts';
import { load, type Loadable } from './loadable.ts';
import { runOperation } from './operations-store.ts';
import { trackProgressRun, type ProgressRun } from './progress-run.ts';
import { useSecretRequestStore } from './secret-request-store.ts';

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
  deploys: Record<string, DeployRun>;
  loadFleet(): Promise<void>;
  refreshServer(serverId: string): Promise<void>;
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
  deploys: {},

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
    if (status) set((state) => ({ servers: state.servers.map((server) => (server.id === serverId ? status.server : server)) }));
    // A server never deployed has no traffic, live or cached.
    if (!status?.server.agent || isHostKeyState(status.state)) return;
    await get().loadSummary(serverId);
  },

  async loadSummary(serverId) {
    await loadEntry(keyedEntries(set, 'summaries'), serverId, () => services.traffic.summary(serverId));
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

  dismissDeploy(serverId) {
    if (get().deploys[serverId]?.running) return;
    keyedEntries(set, 'deploys').remove(serverId);
  },
}));

/** What the console shows as a server's state: its status, or the deploy running on it right now. */
export type DisplayState = ServerStatus['state'] | 'deploying' | 'agent-outdated' | 'checking' | 'unknown' | HealthDisplayState;

export function displayState(status: Loadable<ServerStatus> | undefined, deploy: DeployRun | undefined): DisplayState {
  if (deploy?.running) return 'deploying';
  const value = status?.value;
  if (!value) return status?.loading || !status ? 'checking' : 'unknown';
  // Online but with links that would not work is not green: the worst problem names the state.
  if (value.state === 'online' && value.problems.length > 0) return healthDisplayState(value.problems[0]!);
  if (value.state === 'online' && value.agentOutdated) return 'agent-outdated';
  return value.state;
}

export const selectServer = (serverId: string) => (state: FleetState) => state.servers.find((server) => server.id === serverId);
export const selectStatus = (serverId: string) => (state: FleetState) => state.statuses[serverId];
export const selectSummary = (serverId: string) => (state: FleetState) => state.summaries[serverId];
export const selectDeploy = (serverId: string) => (state: FleetState) => state.deploys[serverId];
export const selectDisplayState = (serverId: string) => (state: FleetState) =>
  displayState(state.statuses[serverId], state.deploys[serverId]);
