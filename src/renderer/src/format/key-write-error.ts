import { t } from '../i18n/i18n.ts';
import type { OperationState } from '../state/operations-store.ts';

/** A failed create or rename in the window's words: a taken name says which key has it. */
export function keyWriteError(operation: OperationState, typedName: string): string | null {
  if (operation.errorCode !== 'name-taken') return operation.error;
  const holder = operation.errorFacts?.holderName;
  return t('errors.nameTaken', { name: typeof holder === 'string' ? holder : typedName });
}
