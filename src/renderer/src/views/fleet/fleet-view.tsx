import { useShallow } from 'zustand/react/shallow';
import { InlineError } from '../../components/inline-error.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { useAddServerStore } from '../../state/add-server-store.ts';
import { useFleetStore } from '../../state/fleet-store.ts';
import { FleetRow } from './fleet-row.tsx';

/** Home: every server with its state, keys and traffic, and deploy, upgrade and remove. */
export function FleetView() {
  const serverIds = useFleetStore(useShallow((state) => state.servers.map((server) => server.id)));
  const list = useFleetStore((state) => state.list);
  const loadFleet = useFleetStore((state) => state.loadFleet);
  const openAddServer = useAddServerStore((state) => state.openDialog);

  return (
    <section className="view" data-testid="fleet-view">
      <header className="view-header">
        <h1>Fleet</h1>
        <div className="view-actions">
          {list.loading && <Spinner label="Checking servers…" />}
          <button type="button" onClick={() => void loadFleet()} disabled={list.loading} data-testid="fleet-refresh">
            Refresh
          </button>
        </div>
      </header>
      <InlineError message={list.error} testId="fleet-error" />
      {serverIds.length === 0 && !list.loading && !list.error ? (
        <div className="empty-state">
          <p>No servers yet. Add one to deploy the agent and start handing out keys.</p>
          <button type="button" className="primary" onClick={openAddServer} data-testid="fleet-add-server">
            Add server
          </button>
        </div>
      ) : (
        <table className="data-table fleet-table" data-testid="fleet-table">
          <thead>
            <tr>
              <th>Server</th>
              <th>State</th>
              <th className="number">Keys (active / all)</th>
              <th>Key limits</th>
              <th className="number">Today</th>
              <th className="number">This month</th>
              <th className="actions-column">Actions</th>
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
