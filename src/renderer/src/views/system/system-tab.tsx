import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorWithAction } from '../../components/error-with-action.tsx';
import { OfflineBanner } from '../../components/offline-banner.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { changeBlockedWhy } from '../../format/server-condition-words.ts';
import { useServerCondition, useWhenServerReturns } from '../../hooks/use-server-condition.ts';
import { selectServer, useFleetStore } from '../../state/fleet-store.ts';
import { selectConfigStatus, selectPorts, useSystemStore } from '../../state/system-store.ts';
import { ConfigStatusPanel } from './config-status-panel.tsx';
import { LinkSettingsPanel } from './link-settings-panel.tsx';
import { PortsPanel } from './ports-panel.tsx';
import { ReachPanel } from './reach-panel.tsx';
import { RealityPanel } from './reality-panel.tsx';

/** What runs on the server for the keys: Xray, the firewall, Reality and the ports. */
export function SystemTab({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const configStatus = useSystemStore(selectConfigStatus(serverId));
  const ports = useSystemStore(selectPorts(serverId));
  const { loadConfigStatus, loadPorts, loadSettings } = useSystemStore.getState();
  const serverName = useFleetStore(selectServer(serverId))?.name ?? serverId;
  const blockedWhy = changeBlockedWhy(useServerCondition(serverId), serverName);

  useEffect(() => {
    void loadConfigStatus(serverId);
    void loadPorts(serverId);
  }, [loadConfigStatus, loadPorts, serverId]);
  // Back from offline: Xray, the ports and the settings as the server has them now, not as cached.
  useWhenServerReturns(serverId, () => {
    void loadConfigStatus(serverId);
    void loadPorts(serverId);
    void loadSettings(serverId);
  });

  return (
    <div className="system-tab">
      <OfflineBanner reads={[configStatus?.value, ports?.value]} />
      <div className="system-grid">
        <div className="system-column">
          {configStatus?.value ? (
            <ConfigStatusPanel serverId={serverId} status={configStatus.value.data} blockedWhy={blockedWhy} />
          ) : configStatus?.error ? (
            <ErrorWithAction failure={configStatus} serverId={serverId} onRetry={() => void loadConfigStatus(serverId)} testId="config-status-error" />
          ) : (
            <Spinner label={t('system.readingConfig')} />
          )}
          <LinkSettingsPanel serverId={serverId} />
          <RealityPanel serverId={serverId} />
          <ReachPanel serverId={serverId} />
        </div>
        {ports?.value ? (
          <PortsPanel ports={ports.value.data} />
        ) : ports?.error ? (
          <ErrorWithAction failure={ports} serverId={serverId} onRetry={() => void loadPorts(serverId)} testId="ports-error" />
        ) : (
          <Spinner label={t('system.readingPorts')} />
        )}
      </div>
    </div>
  );
}
