import { checkKeyName, keyNameFold } from '../../../shared/agent-api.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { CREATE_MANY_MAX_NAMES } from '../../../shared/contract/key-batch.ts';

export interface KeyBatchPlan {
  /** In NFC, in the order given. */
  create: string[];
  /** Where each name of `create` is in the list given. */
  indexes: number[];
  skipped: string[];
}

/** Why a name of the list cannot be created; the CLI and the window say it their way. */
export type NameProblem = 'invalid' | 'repeated' | 'exists';

/**
 * Checks every name before anything is sent, so a long list fails on its first bad name with
 * nothing created: the key-name rule, a name given twice (as the server compares them: NFC,
 * any letter case), a name the server has (left out with `skipExisting`).
 */
export function planKeyBatch(server: string, names: readonly string[], existingNames: readonly string[], skipExisting: boolean): KeyBatchPlan {
  if (names.length === 0 || names.length > CREATE_MANY_MAX_NAMES) {
    throw new KeyportError('bad-input', `give 1 to ${CREATE_MANY_MAX_NAMES} names at once; these are ${names.length}`, { count: names.length, max: CREATE_MANY_MAX_NAMES });
  }
  const existing = new Set(existingNames.map(keyNameFold));
  const seen = new Map<string, number>();
  const plan: KeyBatchPlan = { create: [], indexes: [], skipped: [] };
  for (const [index, proposed] of names.entries()) {
    const refusal = (problem: NameProblem, message: string, facts: Record<string, string | number> = {}) =>
      new KeyportError('bad-input', `name ${index + 1} of ${names.length} ("${proposed}"): ${message}; nothing was created`, {
        server,
        index,
        name: proposed,
        problem,
        ...facts,
      });
    const checked = checkKeyName(proposed);
    if (!checked.ok) throw refusal('invalid', checked.detail);
    const fold = keyNameFold(checked.name);
    const first = seen.get(fold);
    if (first !== undefined) throw refusal('repeated', `the list has it already as name ${first + 1}`, { firstIndex: first });
    seen.set(fold, index);
    if (!existing.has(fold)) {
      plan.create.push(checked.name);
      plan.indexes.push(index);
    }
    else if (skipExisting) plan.skipped.push(checked.name);
    else throw refusal('exists', `${server} has a key with this name already`);
  }
  return plan;
}
