import { useNavigationStore, type ServerTab } from '../../state/navigation-store.ts';
import { useTranslation } from 'react-i18next';

const TABS: readonly ServerTab[] = ['keys', 'traffic', 'system'];

export function ServerTabs({ serverId, tab }: { serverId: string; tab: ServerTab }) {
  const { t } = useTranslation();
  const openServer = useNavigationStore((state) => state.openServer);
  return (
    <div className="tabs" role="tablist">
      {TABS.map((entry) => (
        <button
          key={entry}
          type="button"
          role="tab"
          aria-selected={entry === tab}
          className={entry === tab ? 'tab current' : 'tab'}
          data-testid={`tab-${entry}`}
          onClick={() => openServer(serverId, entry)}
        >
          {t(`server.tab.${entry}`)}
        </button>
      ))}
    </div>
  );
}
