import { create } from 'zustand';
import type { PeopleChange, PeopleList, PersonLimits } from '../../../shared/contract/people.ts';
import { services } from '../bridge/services.ts';
import { load, type Loadable } from './loadable.ts';
import { runOperation } from './operations-store.ts';

interface PeopleState {
  list: Loadable<PeopleList>;
  /** The uuid of the person whose subscription link and QR code are shown. */
  selectedUuid: string | null;
  /** What the last add did per server, shown under the form. */
  lastChange: PeopleChange | null;
  loadPeople(): Promise<void>;
  select(uuid: string | null): void;
  addPerson(name: string, serverIds: string[], limits?: PersonLimits): Promise<PeopleChange | undefined>;
}

export const ADD_PERSON_OPERATION = 'people.add';

export const usePeopleStore = create<PeopleState>()((set, get) => ({
  list: { loading: false, error: null },
  selectedUuid: null,
  lastChange: null,

  async loadPeople() {
    await load<PeopleList>((change) => set((state) => ({ list: change(state.list) })), () => services.people.list());
  },

  select: (uuid) => set({ selectedUuid: uuid }),

  async addPerson(name, serverIds, limits) {
    set({ lastChange: null });
    const change = await runOperation(ADD_PERSON_OPERATION, () => services.people.add(name, serverIds, limits));
    if (change) {
      set({ lastChange: change, selectedUuid: change.people[0]?.uuid ?? get().selectedUuid });
      await get().loadPeople();
    }
    return change;
  },
}));

export const selectPeople = (state: PeopleState) => state.list.value?.people;
export const selectSelectedPerson = (state: PeopleState) => state.list.value?.people.find((person) => person.uuid === state.selectedUuid) ?? null;
