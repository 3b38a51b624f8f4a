import { formatLocalTime } from '../format/format-time.ts';
import { HEALTH_STATE_LABELS } from '../state/health-display-state.ts';
import { selectDisplayState, selectServer, selectStatus, useFleetStore, type DisplayState } from '../state/fleet-store.ts';

export const STATE_LABELS: Record<DisplayState, string> = {
  online: 'Online',
  offline: 'Offline',
  'not-deployed': 'Not deployed',
  'agent-down': 'Agent down',
  'host-key-unknown': 'Host key not accepted',
  'host-key-changed': 'Host key changed',
  deploying: 'Deploying…',
  'agent-outdated': 'Agent outdated',
  checking: 'Checking…',
  unknown: 'Unknown',
  ...HEALTH_STATE_LABELS,
};

/** A server's state in words, with when it last synced if it is offline and why it is not online. */
export function StateBadge({ serverId }: { serverId: string }) {
  const state = useFleetStore(selectDisplayState(serverId));
  const status = useFleetStore(selectStatus(serverId));
  const server = useFleetStore(selectServer(serverId));
  const reason = status?.value?.reason ?? status?.error ?? undefined;
  return (
    <span className="state-badge-line">
      <span className={`state-badge state-${state}`} data-testid="server-state" data-state={state} title={reason}>
        {STATE_LABELS[state]}
      </span>
      {state === 'offline' && <span className="muted"> last sync {formatLocalTime(server?.lastSyncedAt)}</span>}
    </span>
  );
}

/** The sidebar's small coloured dot for the same state. */
export function StateDot({ serverId }: { serverId: string }) {
  const state = useFleetStore(selectDisplayState(serverId));
  return <span className={`state-dot state-${state}`} data-state={state} title={STATE_LABELS[state]} aria-label={STATE_LABELS[state]} />;
}
