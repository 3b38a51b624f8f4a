import { create } from 'zustand';

export type ServerTab = 'keys' | 'traffic' | 'system';

export type Route =
  | { view: 'fleet' }
  | { view: 'people' }
  | { view: 'person'; uuid: string }
  | { view: 'server'; serverId: string; tab: ServerTab }
  | { view: 'key'; serverId: string; keyId: string };

interface NavigationState {
  route: Route;
  goFleet(): void;
  goPeople(): void;
  openPerson(uuid: string): void;
  openServer(serverId: string, tab?: ServerTab): void;
  openKey(serverId: string, keyId: string): void;
}

/** Where the admin is; the console has no URLs to route, so a store is the router. */
export const useNavigationStore = create<NavigationState>()((set) => ({
  route: { view: 'fleet' },
  goFleet: () => set({ route: { view: 'fleet' } }),
  goPeople: () => set({ route: { view: 'people' } }),
  openPerson: (uuid) => set({ route: { view: 'person', uuid } }),
  openServer: (serverId, tab = 'keys') => set({ route: { view: 'server', serverId, tab } }),
  openKey: (serverId, keyId) => set({ route: { view: 'key', serverId, keyId } }),
}));

export const selectRoute = (state: NavigationState) => state.route;

/** The server the current view is about, if any. */
export const selectCurrentServerId = (state: NavigationState) => ('serverId' in state.route ? state.route.serverId : null);
