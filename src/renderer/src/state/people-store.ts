import { create } from 'zustand';
import type { MoveProgress, MoveRequest, MoveResult, PeopleChange, PeopleList, PersonLimits } from '../../../shared/contract/people.ts';
import { services } from '../bridge/services.ts';
import { errorMessage } from '../format/error-message.ts';
import { useFleetStore } from './fleet-store.ts';
import { load, type Loadable } from './loadable.ts';
import { runOperation } from './operations-store.ts';

/** A move from the window: how far it got, and how it ended. */
export interface MoveRun {
  request: MoveRequest;
  running: boolean;
  progress: MoveProgress | null;
  result: MoveResult | null;
  error: string | null;
}

interface PeopleState {
  list: Loadable<PeopleList>;
  /** What the last change under each operation did per server, shown where the admin acted. */
  changes: Record<string, PeopleChange>;
  /** The person last removed, and what that did: told on the People view the window goes back to. */
  removal: { name: string; change: PeopleChange } | null;
  move: MoveRun | null;
  loadPeople(): Promise<void>;
  /** The people list and every server's status again: what says which servers can take a change. */
  refresh(): Promise<void>;
  addPerson(name: string, serverIds: string[], limits?: PersonLimits): Promise<PeopleChange | undefined>;
  addServer(uuid: string, serverId: string): Promise<boolean>;
  removeServer(uuid: string, serverId: string): Promise<boolean>;
  removePerson(uuid: string, name: string): Promise<boolean>;
  rotateSubscription(uuid: string): Promise<boolean>;
  startMove(request: MoveRequest): Promise<void>;
  dismissMove(): void;
}

export const ADD_PERSON_OPERATION = 'people.add';
export const addServerOperation = (uuid: string) => `people.addServer:${uuid}`;
export const removeServerOperation = (uuid: string, serverId: string) => `people.removeServer:${uuid}/${serverId}`;
export const removePersonOperation = (uuid: string) => `people.remove:${uuid}`;
export const rotateSubscriptionOperation = (uuid: string) => `people.rotateSubscription:${uuid}`;

export const usePeopleStore = create<PeopleState>()((set, get) => {
  /** Runs a change under `operationId`, keeps what it did per server, and lists the people again. */
  const change = async (operationId: string, work: () => Promise<PeopleChange>): Promise<PeopleChange | undefined> => {
    const done = await runOperation(operationId, work);
    if (done) {
      set((state) => ({ changes: { ...state.changes, [operationId]: done } }));
      await get().loadPeople();
    }
    return done;
  };

  return {
    list: { loading: false, error: null },
    changes: {},
    removal: null,
    move: null,

    async loadPeople() {
      await load<PeopleList>((update) => set((state) => ({ list: update(state.list) })), () => services.people.list());
    },

    async refresh() {
      const fleet = useFleetStore.getState();
      await Promise.all([get().loadPeople(), ...fleet.servers.map((server) => fleet.refreshServer(server.id))]);
    },

    addPerson: (name, serverIds, limits) => change(ADD_PERSON_OPERATION, () => services.people.add(name, serverIds, limits)),

    async addServer(uuid, serverId) {
      return (await change(addServerOperation(uuid), () => services.people.addServer(uuid, serverId))) !== undefined;
    },

    async removeServer(uuid, serverId) {
      return (await change(removeServerOperation(uuid, serverId), () => services.people.removeServer(uuid, serverId))) !== undefined;
    },

    async removePerson(uuid, name) {
      const done = await change(removePersonOperation(uuid), () => services.people.remove(uuid));
      if (done) set({ removal: { name, change: done } });
      return done !== undefined;
    },

    async rotateSubscription(uuid) {
      return (await change(rotateSubscriptionOperation(uuid), () => services.people.rotateSubscription(uuid))) !== undefined;
    },

    async startMove(request) {
      if (get().move?.running) return;
      const update = (patch: Partial<MoveRun>) => set((state) => ({ move: state.move && { ...state.move, ...patch } }));
      set({ move: { request, running: true, progress: null, result: null, error: null } });
      try {
        const result = await services.people.move(request, (progress) => update({ progress }));
        update({ running: false, result });
      } catch (error) {
        update({ running: false, error: errorMessage(error) });
      }
      await get().loadPeople();
    },

    dismissMove() {
      if (!get().move?.running) set({ move: null });
    },
  };
});

export const selectPeople = (state: PeopleState) => state.list.value?.people;
export const selectPerson = (uuid: string) => (state: PeopleState) => state.list.value?.people.find((person) => person.uuid === uuid);
export const selectChange = (operationId: string) => (state: PeopleState) => state.changes[operationId];
