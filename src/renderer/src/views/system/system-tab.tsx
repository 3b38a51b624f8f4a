import { useEffect } from 'react';
import { InlineError } from '../../components/inline-error.tsx';
import { OfflineBanner } from '../../components/offline-banner.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { selectConfigStatus, selectPorts, useSystemStore } from '../../state/system-store.ts';
import { ConfigStatusPanel } from './config-status-panel.tsx';
import { PortsPanel } from './ports-panel.tsx';
import { ReachPanel } from './reach-panel.tsx';
import { RealityPanel } from './reality-panel.tsx';

/** What runs on the server for the keys: Xray, the firewall, Reality and the ports. */
export function SystemTab({ serverId }: { serverId: string }) {
  const configStatus = useSystemStore(selectConfigStatus(serverId));
  const ports = useSystemStore(selectPorts(serverId));
  const { loadConfigStatus, loadPorts } = useSystemStore.getState();

  useEffect(() => {
    void loadConfigStatus(serverId);
    void loadPorts(serverId);
  }, [loadConfigStatus, loadPorts, serverId]);

  return (
    <div className="system-tab">
      <OfflineBanner reads={[configStatus?.value, ports?.value]} />
      <div className="system-grid">
        <div className="system-column">
          {configStatus?.value ? (
            <ConfigStatusPanel serverId={serverId} status={configStatus.value.data} />
          ) : configStatus?.error ? (
            <InlineError message={configStatus.error} testId="config-status-error" />
          ) : (
            <Spinner label="Reading Xray and firewall state…" />
          )}
          <RealityPanel serverId={serverId} />
          <ReachPanel serverId={serverId} />
        </div>
        {ports?.value ? (
          <PortsPanel ports={ports.value.data} />
        ) : ports?.error ? (
          <InlineError message={ports.error} testId="ports-error" />
        ) : (
          <Spinner label="Reading ports…" />
        )}
      </div>
    </div>
  );
}
