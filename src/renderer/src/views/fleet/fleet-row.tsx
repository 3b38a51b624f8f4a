import { isHostKeyState } from '../../../../shared/contract/servers.ts';
import { useState } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { DeployButton, DeployLog } from '../../components/deploy-panel.tsx';
import { ServerProblemLine } from '../../components/server-problems.tsx';
import { HostKeyAlertRow } from '../../components/host-key-alert.tsx';
import { StateBadge } from '../../components/state-badge.tsx';
import { FleetKeyLimits } from './fleet-key-limits.tsx';
import { formatLocalTime } from '../../format/format-time.ts';
import { removeServerOperation, selectDeploy, selectServer, selectStatus, selectSummary, useFleetStore } from '../../state/fleet-store.ts';
import { useNavigationStore } from '../../state/navigation-store.ts';

/** One server's line in the fleet, with its deploy log below it while one runs or after it ended. */
export function FleetRow({ serverId }: { serverId: string }) {
  const server = useFleetStore(selectServer(serverId));
  const status = useFleetStore(selectStatus(serverId));
  const summary = useFleetStore(selectSummary(serverId));
  const deploy = useFleetStore(selectDeploy(serverId));
  const removeServer = useFleetStore((state) => state.removeServer);
  const openServer = useNavigationStore((state) => state.openServer);
  const [confirmingRemove, setConfirmingRemove] = useState(false);
  if (!server) return null;

  const keyCount = status?.value?.keyCount;
  const activeKeyCount = status?.value?.activeKeyCount;
  const traffic = summary?.value;
  // A host key to check has its own line below, with the fingerprints.
  const reason = deploy?.running || (status?.value && isHostKeyState(status.value.state)) ? null : (status?.value?.reason ?? status?.error);

  return (
    <tbody className="fleet-row" data-testid={`fleet-row-${server.name}`}>
      <tr>
        <td>
          <button type="button" className="link-button strong" onClick={() => openServer(serverId)} data-testid="fleet-open-server">
            {server.name}
          </button>
          <div className="muted small">
            {server.sshAlias ? `${server.sshAlias} (ssh config)` : `${server.target.user}@${server.target.host}:${server.target.port}`}
          </div>
        </td>
        <td>
          <StateBadge serverId={serverId} />
          {reason && <div className="muted small reason">{reason}</div>}
          {!deploy?.running && <ServerProblemLine serverId={serverId} />}
        </td>
        <td className="number" data-testid="fleet-keys">
          {keyCount == null ? '—' : `${activeKeyCount ?? 0} / ${keyCount}`}
        </td>
        <td data-testid="fleet-key-limits">
          <FleetKeyLimits counts={status?.value?.keyLimits ?? null} />
        </td>
        <td className="number" data-testid="fleet-today">
          {traffic ? traffic.data.today.total_formatted : '—'}
        </td>
        <td className="number" data-testid="fleet-month">
          {traffic ? traffic.data.month.total_formatted : '—'}
          {traffic?.source === 'cache' && (
            <div className="muted small" data-testid="summary-cache-note">
              from cache, {formatLocalTime(traffic.syncedAt)}
            </div>
          )}
          {summary?.error && !traffic && <div className="inline-error small">{summary.error}</div>}
        </td>
        <td className="actions-column">
          <div className="row-actions">
            <DeployButton serverId={serverId} />
            <button type="button" className="danger-outline" onClick={() => setConfirmingRemove(true)} data-testid="remove-server-button">
              Remove
            </button>
          </div>
        </td>
      </tr>
      {deploy && (
        <tr className="deploy-row">
          <td colSpan={7}>
            <DeployLog serverId={serverId} />
          </td>
        </tr>
      )}
      <HostKeyAlertRow serverId={serverId} />
      {confirmingRemove && (
            <ConfirmDialog
              title={`Remove ${server.name}?`}
              confirmLabel="Remove server"
              operationId={removeServerOperation(serverId)}
              onConfirm={() => removeServer(serverId)}
              onClose={() => setConfirmingRemove(false)}
            >
              <p>
                Keyport forgets <strong>{server.name}</strong>, its trusted host key and its cached history. The agent and the keys on the
                server keep running; add the server again to manage them.
              </p>
            </ConfirmDialog>
      )}
    </tbody>
  );
}
