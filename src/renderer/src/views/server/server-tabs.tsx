import { useNavigationStore, type ServerTab } from '../../state/navigation-store.ts';

const TABS: { tab: ServerTab; label: string }[] = [
  { tab: 'keys', label: 'Keys' },
  { tab: 'traffic', label: 'Traffic' },
  { tab: 'system', label: 'System' },
];

export function ServerTabs({ serverId, tab }: { serverId: string; tab: ServerTab }) {
  const openServer = useNavigationStore((state) => state.openServer);
  return (
    <div className="tabs" role="tablist">
      {TABS.map((entry) => (
        <button
          key={entry.tab}
          type="button"
          role="tab"
          aria-selected={entry.tab === tab}
          className={entry.tab === tab ? 'tab current' : 'tab'}
          data-testid={`tab-${entry.tab}`}
          onClick={() => openServer(serverId, entry.tab)}
        >
          {entry.label}
        </button>
      ))}
    </div>
  );
}
