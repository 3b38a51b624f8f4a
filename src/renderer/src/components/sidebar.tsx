import { useTranslation } from 'react-i18next';
import { useAddServerStore } from '../state/add-server-store.ts';
import { useFleetStore } from '../state/fleet-store.ts';
import { selectCurrentServerId, selectRoute, useNavigationStore } from '../state/navigation-store.ts';
import { LanguageSwitch } from './language-switch.tsx';
import { StateDot } from './state-badge.tsx';
import { ThemeSwitch } from './theme-switch.tsx';

/** The fleet at a glance: every server with its state, and the way to add one. */
export function Sidebar() {
  const { t } = useTranslation();
  const servers = useFleetStore((state) => state.servers);
  const route = useNavigationStore(selectRoute);
  const currentServerId = useNavigationStore(selectCurrentServerId);
  const { goFleet, goPeople, openServer } = useNavigationStore.getState();
  const openAddServer = useAddServerStore((state) => state.openDialog);

  return (
    <nav className="sidebar" aria-label={t('sidebar.label')}>
      <div className="brand">Keyport</div>
      <button type="button" className={`nav-item ${route.view === 'fleet' ? 'current' : ''}`} data-testid="nav-fleet" onClick={goFleet}>
        {t('sidebar.fleet')}
      </button>
      <button type="button" className={`nav-item ${route.view === 'people' || route.view === 'person' ? 'current' : ''}`} data-testid="nav-people" onClick={goPeople}>
        {t('sidebar.people')}
      </button>
      <h2 className="sidebar-heading">{t('sidebar.servers')}</h2>
      <ul className="server-list">
        {servers.map((server) => (
          <li key={server.id}>
            <button
              type="button"
              className={`nav-item server-link ${currentServerId === server.id ? 'current' : ''}`}
              data-testid={`server-link-${server.name}`}
              aria-current={currentServerId === server.id ? 'page' : undefined}
              onClick={() => openServer(server.id)}
            >
              <StateDot serverId={server.id} />
              <span className="server-link-name">{server.name}</span>
            </button>
          </li>
        ))}
        {servers.length === 0 && <li className="muted sidebar-empty">{t('sidebar.noServers')}</li>}
      </ul>
      <button type="button" className="add-server-button" data-testid="add-server-button" onClick={openAddServer}>
        {t('sidebar.addServer')}
      </button>
      <div className="sidebar-footer">
        <LanguageSwitch />
        <ThemeSwitch />
      </div>
    </nav>
  );
}
