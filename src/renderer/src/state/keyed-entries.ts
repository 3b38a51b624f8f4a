import { load, type Loadable } from './loadable.ts';

type SetState<S> = (change: (state: S) => Partial<S>) => void;

/** The fields of a store's state that hold entries by id (a server id, `server/key`, `server/YYYY-MM`). */
export type KeyedField<S> = { [K in keyof S]: S[K] extends Readonly<Record<string, unknown>> ? K : never }[keyof S];

type EntryOf<S, K extends keyof S> = S[K] extends Readonly<Record<string, infer E>> ? E : never;

/** One keyed slice of a store: every write files one entry and leaves the others as they were. */
export interface KeyedEntries<E> {
  put(id: string, entry: E): void;
  update(id: string, change: (entry: E | undefined) => E): void;
  remove(id: string): void;
  removeWhere(test: (id: string) => boolean): void;
}

/** The writes of `state[field]`, a record of entries by id, through the store's `set`. */
export function keyedEntries<S, K extends KeyedField<S>>(set: SetState<S>, field: K): KeyedEntries<EntryOf<S, K>> {
  type Entries = Readonly<Record<string, EntryOf<S, K>>>;
  const replace = (change: (entries: Entries) => Entries) =>
    set((state) => ({ [field]: change(state[field] as Entries) }) as unknown as Partial<S>);
  const keep = (test: (id: string) => boolean) => (entries: Entries) =>
    Object.fromEntries(Object.entries(entries).filter(([id]) => test(id)));
  return {
    put: (id, entry) => replace((entries) => ({ ...entries, [id]: entry })),
    update: (id, change) => replace((entries) => ({ ...entries, [id]: change(entries[id]) })),
    remove: (id) => replace(keep((other) => other !== id)),
    removeWhere: (test) => replace(keep((id) => !test(id))),
  };
}

/** Loads one entry of a keyed slice of loadables (see `load`). */
export function loadEntry<T>(entries: KeyedEntries<Loadable<T>>, id: string, fetch: () => Promise<T>): Promise<T | undefined> {
  return load<T>((change) => entries.update(id, change), fetch);
}
