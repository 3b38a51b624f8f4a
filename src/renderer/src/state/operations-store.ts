import { create } from 'zustand';
import type { KeyportErrorCode } from '../../../shared/contract/errors.ts';
import { errorCode, errorFacts, errorMessage } from '../format/error-message.ts';

/** A write or a long action, by an id that names what it acts on (`keys.create:<server>`). */
export interface OperationState {
  running: boolean;
  error: string | null;
  errorCode?: KeyportErrorCode;
  errorFacts?: Readonly<Record<string, string | number | boolean | null>>;
}

interface OperationsState {
  operations: Record<string, OperationState>;
}

export const IDLE: OperationState = { running: false, error: null };

/**
 * Writes report here so that the button or form that started one shows its progress and its
 * error, right where the admin acted.
 */
export const useOperationsStore = create<OperationsState>()(() => ({ operations: {} }));

function put(id: string, state: OperationState) {
  useOperationsStore.setState((current) => ({ operations: { ...current.operations, [id]: state } }));
}

/** Runs `work` under `id`; answers its result, or undefined when it failed (the error is kept). */
export async function runOperation<T>(id: string, work: () => Promise<T>): Promise<T | undefined> {
  put(id, { running: true, error: null });
  try {
    const result = await work();
    put(id, IDLE);
    return result;
  } catch (error) {
    put(id, { running: false, error: errorMessage(error), errorCode: errorCode(error), errorFacts: errorFacts(error) });
    return undefined;
  }
}

export function clearOperation(id: string): void {
  if (useOperationsStore.getState().operations[id]) put(id, IDLE);
}

/** Puts away the failures of the operations whose ids pass `matches` and that failed with a code `failedWith` accepts. */
export function clearFailures(matches: (id: string) => boolean, failedWith: (code: KeyportErrorCode | undefined) => boolean): void {
  for (const [id, operation] of Object.entries(useOperationsStore.getState().operations)) {
    if (operation.error && !operation.running && matches(id) && failedWith(operation.errorCode)) put(id, IDLE);
  }
}

export const selectOperation = (id: string) => (state: OperationsState) => state.operations[id] ?? IDLE;

export function useOperation(id: string): OperationState {
  return useOperationsStore(selectOperation(id));
}
