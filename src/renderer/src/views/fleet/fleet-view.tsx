import { useShallow } from 'zustand/react/shallow';
import { InlineError } from '../../components/inline-error.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { useAddServerStore } from '../../state/add-server-store.ts';
import { useFleetStore } from '../../state/fleet-store.ts';
import { FleetRow } from './fleet-row.tsx';
import { FleetTotalsCards } from './fleet-totals-cards.tsx';
import { useTranslation } from 'react-i18next';

/** Home: every server with its host, state, keys and traffic, and deploy, upgrade and remove. */
export function FleetView() {
  const { t } = useTranslation();
  const serverIds = useFleetStore(useShallow((state) => state.servers.map((server) => server.id)));
  const list = useFleetStore((state) => state.list);
  const loadFleet = useFleetStore((state) => state.loadFleet);
  const openAddServer = useAddServerStore((state) => state.openDialog);

  return (
    <section className="view" data-testid="fleet-view">
      <header className="view-header">
        <h1>{t('fleet.title')}</h1>
        <div className="view-actions">
          {list.loading && <Spinner label={t('fleet.checking')} />}
          <button type="button" onClick={() => void loadFleet()} disabled={list.loading} data-testid="fleet-refresh">
            {t('common.refresh')}
          </button>
        </div>
      </header>
      <InlineError message={list.error} testId="fleet-error" />
      <FleetTotalsCards />
      {serverIds.length === 0 && !list.loading && !list.error ? (
        <div className="empty-state">
          <p>{t('fleet.empty')}</p>
          <button type="button" className="primary" onClick={openAddServer} data-testid="fleet-add-server">
            {t('fleet.addServer')}
          </button>
        </div>
      ) : (
        <table className="data-table fleet-table" data-testid="fleet-table">
          <thead>
            <tr>
              <th>{t('fleet.column.server')}</th>
              <th>{t('fleet.column.state')}</th>
              <th className="number">{t('fleet.column.keys')}</th>
              <th>{t('fleet.column.limits')}</th>
              <th className="number">{t('fleet.column.today')}</th>
              <th className="number">{t('fleet.column.month')}</th>
              <th className="actions-column">{t('fleet.column.actions')}</th>
            </tr>
          </thead>
          {serverIds.map((serverId) => (
            <FleetRow key={serverId} serverId={serverId} />
          ))}
        </table>
      )}
    </section>
  );
}
