import { useEffect, useState } from 'react';
import { DeployButton, DeployLog } from '../../components/deploy-panel.tsx';
import { ServerProblems } from '../../components/server-problems.tsx';
import { HostKeyAlert } from '../../components/host-key-alert.tsx';
import { ReachNotice } from '../../components/reach-notice.tsx';
import { StateBadge } from '../../components/state-badge.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { selectServer, selectStatus, useFleetStore } from '../../state/fleet-store.ts';
import type { ServerTab } from '../../state/navigation-store.ts';
import { KeysTab } from '../keys/keys-tab.tsx';
import { SystemTab } from '../system/system-tab.tsx';
import { TrafficTab } from '../traffic/traffic-tab.tsx';
import { DeployOptionsDialog } from './deploy-options-dialog.tsx';
import { ServerTabs } from './server-tabs.tsx';
import { useTranslation } from 'react-i18next';

/** One server: who it is and how it is, then its keys, traffic or system tab. */
export function ServerView({ serverId, tab }: { serverId: string; tab: ServerTab }) {
  const { t } = useTranslation();
  const server = useFleetStore(selectServer(serverId));
  const status = useFleetStore(selectStatus(serverId));
  const deploying = useFleetStore((state) => state.deploys[serverId]?.running === true);
  const refreshServer = useFleetStore((state) => state.refreshServer);
  const [deployOptions, setDeployOptions] = useState(false);

  useEffect(() => {
    void refreshServer(serverId);
  }, [refreshServer, serverId]);

  if (!server) return <Spinner label={t('server.loading')} />;
  const facts = status?.value;
  // The agent's release, not its state now: an offline server still has history in the cache.
  const deployed = server.agent !== null;

  return (
    <section className="view server-view" data-testid="server-view" data-server={server.name}>
      <header className="view-header">
        <div>
          <h1>{server.name}</h1>
          <div className="muted small">
            {[
              server.sshAlias && t('fleet.sshConfig', { alias: server.sshAlias }),
              `${server.target.user}@${server.target.host}:${server.target.port}`,
              facts?.agentVersion && t('server.agentVersion', { version: facts.agentVersion }),
              facts?.xrayVersion && t('server.xrayVersion', { version: facts.xrayVersion }),
            ]
              .filter(Boolean)
              .join(' · ')}
          </div>
        </div>
        <div className="view-actions">
          <StateBadge serverId={serverId} />
          <button type="button" disabled={deploying} onClick={() => setDeployOptions(true)} data-testid="deploy-options-button">
            {t('deployOptions.open')}
          </button>
          <DeployButton serverId={serverId} />
        </div>
      </header>
      {deployOptions && <DeployOptionsDialog serverId={serverId} onClose={() => setDeployOptions(false)} />}
      <HostKeyAlert serverId={serverId} />
      <ReachNotice serverId={serverId} className="notice" testId="server-reason" />
      {facts?.reason && !deploying && facts.state === 'not-deployed' && (
        <p className="notice" data-testid="server-reason">
          {facts.reason}
        </p>
      )}
      <DeployLog serverId={serverId} />
      {deployed && !deploying && <ServerProblems serverId={serverId} />}
      {deployed ? (
        <>
          <ServerTabs serverId={serverId} tab={tab} />
          <div className="tab-panel" role="tabpanel" data-testid={`tab-panel-${tab}`}>
            {tab === 'keys' && <KeysTab serverId={serverId} />}
            {tab === 'traffic' && <TrafficTab serverId={serverId} />}
            {tab === 'system' && <SystemTab serverId={serverId} />}
          </div>
        </>
      ) : (
        <div className="empty-state" data-testid="server-not-deployed">
          <p>{t('server.notDeployed')}</p>
        </div>
      )}
    </section>
  );
}
