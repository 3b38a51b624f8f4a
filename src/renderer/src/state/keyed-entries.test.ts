import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStore } from 'zustand/vanilla';
import { keyedEntries, loadEntry } from './keyed-entries.ts';
import type { Loadable } from './loadable.ts';

interface State {
  counts: Record<string, number>;
  reports: Record<string, Loadable<string>>;
  other: number;
}

const store = () => createStore<State>()(() => ({ counts: { a: 1, b: 2 }, reports: {}, other: 7 }));

test('a keyed slice files, changes and removes one entry, leaving the others and the rest of the state', () => {
  const state = store();
  const counts = keyedEntries(state.setState, 'counts');
  counts.put('c', 3);
  counts.update('a', (count = 0) => count + 10);
  counts.update('new', (count = 0) => count + 1);
  counts.remove('b');
  assert.deepEqual(state.getState().counts, { a: 11, c: 3, new: 1 });
  counts.removeWhere((id) => id !== 'c');
  assert.deepEqual(state.getState().counts, { c: 3 });
  assert.equal(state.getState().other, 7);
});

test('a loaded entry keeps its old value while loading and its error after a failure', async () => {
  const state = store();
  const reports = keyedEntries(state.setState, 'reports');
  assert.equal(await loadEntry(reports, 'srv', async () => 'first'), 'first');
  let seenWhileLoading: Loadable<string> | undefined;
  const failed = await loadEntry(reports, 'srv', async () => {
    seenWhileLoading = state.getState().reports.srv;
    throw new Error('offline');
  });
  assert.equal(failed, undefined);
  assert.deepEqual(seenWhileLoading, { value: 'first', loading: true, error: null });
  assert.equal(state.getState().reports.srv?.value, 'first');
  assert.equal(state.getState().reports.srv?.error, 'offline');
});
