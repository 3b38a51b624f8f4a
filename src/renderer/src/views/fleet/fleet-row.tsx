import { isHostKeyState } from '../../../../shared/contract/servers.ts';
import { useState } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { DeployButton, DeployLog } from '../../components/deploy-panel.tsx';
import { ServerProblemLine } from '../../components/server-problems.tsx';
import { HostKeyAlertRow } from '../../components/host-key-alert.tsx';
import { ReachNotice } from '../../components/reach-notice.tsx';
import { StateBadge } from '../../components/state-badge.tsx';
import { FleetHostFigures } from './fleet-host-figures.tsx';
import { FleetKeyLimits } from './fleet-key-limits.tsx';
import { formatBytes } from '../../format/format-bytes.ts';
import { formatUtcTime } from '../../format/format-time.ts';
import { Trans, useTranslation } from 'react-i18next';
import { removeServerOperation, selectDeploy, selectHost, selectServer, selectStatus, selectSummary, useFleetStore } from '../../state/fleet-store.ts';
import { useNavigationStore } from '../../state/navigation-store.ts';
import { useServerCondition } from '../../hooks/use-server-condition.ts';
import { isReachFailure, isUnreachableState } from '../../state/server-condition.ts';

/** One server's line in the fleet, with its deploy log below it while one runs or after it ended. */
export function FleetRow({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const server = useFleetStore(selectServer(serverId));
  const status = useFleetStore(selectStatus(serverId));
  const summary = useFleetStore(selectSummary(serverId));
  const host = useFleetStore(selectHost(serverId));
  const deploy = useFleetStore(selectDeploy(serverId));
  const removeServer = useFleetStore((state) => state.removeServer);
  const openServer = useNavigationStore((state) => state.openServer);
  const [confirmingRemove, setConfirmingRemove] = useState(false);
  const condition = useServerCondition(serverId);
  if (!server) return null;

  const keyCount = status?.value?.keyCount;
  const activeKeyCount = status?.value?.activeKeyCount;
  const traffic = summary?.value;
  // A host key to check has its own line below, with the fingerprints; a server out of reach its notice, with the next try.
  const unreachable = isUnreachableState(condition.state);
  const reason = deploy?.running || unreachable || (status?.value && isHostKeyState(status.value.state)) ? null : (status?.value?.reason ?? status?.error);
  // Out of reach, the notice says why once: the summary's own failure would say it again.
  const summaryError = summary?.error && !(unreachable && isReachFailure(summary.errorCode)) ? summary.error : null;

  return (
    <tbody className="fleet-row" data-testid={`fleet-row-${server.name}`}>
      <tr>
        <td>
          <button type="button" className="link-button strong" onClick={() => openServer(serverId)} data-testid="fleet-open-server">
            {server.name}
          </button>
          <div className="muted small address">
            {server.sshAlias ? t('fleet.sshConfig', { alias: server.sshAlias }) : `${server.target.user}@${server.target.host}:${server.target.port}`}
          </div>
          <FleetHostFigures host={host} />
        </td>
        <td>
          <StateBadge serverId={serverId} />
          {reason && <div className="muted small reason">{reason}</div>}
          <ReachNotice serverId={serverId} className="muted small reason" testId="fleet-reason" />
          {!deploy?.running && <ServerProblemLine serverId={serverId} />}
        </td>
        <td className="number" data-testid="fleet-keys">
          {keyCount == null ? '—' : `${activeKeyCount ?? 0} / ${keyCount}`}
        </td>
        <td data-testid="fleet-key-limits">
          <FleetKeyLimits counts={status?.value?.keyLimits ?? null} />
        </td>
        <td className="number" data-testid="fleet-today">
          {traffic ? formatBytes(traffic.data.today.total_bytes) : '—'}
        </td>
        <td className="number" data-testid="fleet-month">
          {traffic ? formatBytes(traffic.data.month.total_bytes) : '—'}
          {traffic?.source === 'cache' && (
            <div className="muted small cache-note" data-testid="summary-cache-note">
              {t('fleet.fromCache', { time: formatUtcTime(traffic.syncedAt) })}
            </div>
          )}
          {summaryError && !traffic && <div className="inline-error small">{summaryError}</div>}
        </td>
        <td className="actions-column">
          <div className="row-actions">
            <DeployButton serverId={serverId} />
            <button type="button" className="danger-outline" onClick={() => setConfirmingRemove(true)} data-testid="remove-server-button">
              {t('fleet.remove')}
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
              title={t('fleet.removeTitle', { server: server.name })}
              confirmLabel={t('fleet.removeConfirm')}
              operationId={removeServerOperation(serverId)}
              onConfirm={() => removeServer(serverId)}
              onClose={() => setConfirmingRemove(false)}
            >
              <p>
                <Trans t={t} i18nKey="fleet.removeText" values={{ server: server.name }} />
              </p>
            </ConfirmDialog>
      )}
    </tbody>
  );
}
