import type { KeyportErrorCode } from '../../../shared/contract/errors.ts';
import { errorCode, errorFacts, errorMessage } from '../format/error-message.ts';

/** One piece of data a view waits for: the last value, whether a fetch runs, and why the last failed. */
export interface Loadable<T> {
  value?: T;
  loading: boolean;
  error: string | null;
  /** The failure's code and facts, for the action that fits it (retry, trust the host key, deploy). */
  errorCode?: KeyportErrorCode;
  errorFacts?: Readonly<Record<string, string | number | boolean | null>>;
}

export const NOT_LOADED: Loadable<never> = { loading: false, error: null };

/**
 * Runs `fetch` and reports through `update` (which files the entry wherever the store keeps it):
 * loading first, then the value or the error. The old value stays visible while a refresh runs.
 */
export async function load<T>(
  update: (change: (entry: Loadable<T> | undefined) => Loadable<T>) => void,
  fetch: () => Promise<T>,
): Promise<T | undefined> {
  update((entry) => ({ ...entry, loading: true, error: null }));
  try {
    const value = await fetch();
    update(() => ({ value, loading: false, error: null }));
    return value;
  } catch (error) {
    update((entry) => ({ ...entry, loading: false, error: errorMessage(error), errorCode: errorCode(error), errorFacts: errorFacts(error) }));
    return undefined;
  }
}

/** Runs `work` on every item, at most `limit` at a time (one SSH connection carries them all). */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
