import type { OperationState } from '../state/operations-store.ts';

/** A failed create or rename in the window's words: a taken name says which key has it. */
export function keyWriteError(operation: OperationState, typedName: string): string | null {
  if (operation.errorCode !== 'name-taken') return operation.error;
  const holder = operation.errorFacts?.holderName;
  const shown = typeof holder === 'string' ? holder : typedName;
  return `Another key on this server is already named “${shown}”. Names must differ in more than letter case: choose another one.`;
}
