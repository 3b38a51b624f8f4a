import { create } from 'zustand';

export type ServerTab = 'keys' | 'traffic' | 'system';

export type Route =
  | { view: 'fleet' }
  | { view: 'server'; serverId: string; tab: ServerTab }
  | { view: 'key'; serverId: string; keyId: string };

interface NavigationState {
  route: Route;
  goFleet(): void;
  openServer(serverId: string, tab?: ServerTab): void;
  openKey(serverId: string, keyId: string): void;
}

/** Where the admin is; the console has no URLs to route, so a store is the router. */
export const useNavigationStore = create<NavigationState>()((set) => ({
  route: { view: 'fleet' },
  goFleet: () => set({ route: { view: 'fleet' } }),
  openServer: (serverId, tab = 'keys') => set({ route: { view: 'server', serverId, tab } }),
  openKey: (serverId, keyId) => set({ route: { view: 'key', serverId, keyId } }),
}));

export const selectRoute = (state: NavigationState) => state.route;

/** The server the current view is about, if any. */
export const selectCurrentServerId = (state: NavigationState) => (state.route.view === 'fleet' ? null : state.route.serverId);
