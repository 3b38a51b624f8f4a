import { useEffect } from 'react';
import { SecretDialog } from './components/secret-dialog.tsx';
import { Sidebar } from './components/sidebar.tsx';
import { ViewErrorBoundary } from './components/view-error-boundary.tsx';
import { useReconnectWhenDue } from './hooks/use-reconnect-when-due.ts';
import { useVisibleInterval } from './hooks/use-visible-interval.ts';
import { useAddServerStore } from './state/add-server-store.ts';
import { useFleetStore } from './state/fleet-store.ts';
import { selectRoute, useNavigationStore } from './state/navigation-store.ts';
import { AddServerDialog } from './views/fleet/add-server-dialog.tsx';
import { FleetView } from './views/fleet/fleet-view.tsx';
import { KeyView } from './views/key/key-view.tsx';
import { PeopleView } from './views/people/people-view.tsx';
import { PersonView } from './views/people/person-view.tsx';
import { ServerView } from './views/server/server-view.tsx';

/** How often the fleet's states are checked again while the console is in view. */
const FLEET_REFRESH_MS = 60_000;

/** The console: the servers on the left, the chosen view on the right. */
export function App() {
  const route = useNavigationStore(selectRoute);
  const addServerOpen = useAddServerStore((state) => state.open);
  const loadFleet = useFleetStore((state) => state.loadFleet);
  const goFleet = useNavigationStore((state) => state.goFleet);

  useEffect(() => {
    void loadFleet();
  }, [loadFleet]);
  useVisibleInterval(() => {
    if (!useFleetStore.getState().list.loading) void loadFleet();
  }, FLEET_REFRESH_MS);
  useReconnectWhenDue();

  return (
    <div className="app">
      <Sidebar />
      <main className="main">
        <ViewErrorBoundary key={'serverId' in route ? route.serverId : 'uuid' in route ? route.uuid : route.view} onBack={goFleet}>
          {route.view === 'fleet' && <FleetView />}
          {route.view === 'people' && <PeopleView />}
          {route.view === 'person' && <PersonView key={route.uuid} uuid={route.uuid} />}
          {route.view === 'server' && <ServerView key={route.serverId} serverId={route.serverId} tab={route.tab} />}
          {route.view === 'key' && <KeyView key={`${route.serverId}/${route.keyId}`} serverId={route.serverId} keyId={route.keyId} />}
        </ViewErrorBoundary>
      </main>
      {addServerOpen && <AddServerDialog />}
      <SecretDialog />
    </div>
  );
}
