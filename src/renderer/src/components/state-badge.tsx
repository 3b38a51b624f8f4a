import { useTranslation } from 'react-i18next';
import { formatUtcTime } from '../format/format-time.ts';
import { stateTitle } from '../format/server-condition-words.ts';
import { useServerCondition } from '../hooks/use-server-condition.ts';
import { selectServer, selectStatus, useFleetStore } from '../state/fleet-store.ts';

/** A server's state in words, with when it last synced if it is offline, and why it is not online. */
export function StateBadge({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const condition = useServerCondition(serverId);
  const { state } = condition;
  const status = useFleetStore(selectStatus(serverId));
  const server = useFleetStore(selectServer(serverId));
  const reason = stateTitle(condition, server?.name ?? serverId, status?.value?.reason ?? status?.error ?? undefined);
  return (
    <span className="state-badge-line">
      <span className={`state-badge state-${state}`} data-testid="server-state" data-state={state} title={reason}>
        {t(`state.${state}`)}
      </span>
      {state === 'offline' && <span className="muted"> {t('state.lastSync', { time: formatUtcTime(server?.lastSyncedAt) })}</span>}
    </span>
  );
}

/** The sidebar's small coloured dot for the same state. */
export function StateDot({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const { state } = useServerCondition(serverId);
  const label = t(`state.${state}`);
  return <span className={`state-dot state-${state}`} data-state={state} title={label} aria-label={label} />;
}
