import { checkKeyName, keyNameFold, type KeyNameProblem } from '../../../shared/agent-api.ts';
import type { ApiKey } from '../../../shared/contract/api-types.ts';
import { t } from '../i18n/i18n.ts';

/** The part of the key-name rule a name breaks, in the window's words. */
export function keyNameProblemWords(problem: KeyNameProblem): string {
  switch (problem.kind) {
    case 'empty':
      return t('keyName.empty');
    case 'too-long':
      return t('keyName.tooLong', { max: problem.max, length: problem.count });
    case 'too-many-code-points':
      return t('keyName.tooManyCodePoints', { max: problem.max, length: problem.count });
    case 'tag-outside-flag':
      return t('keyName.tagOutsideFlag');
    case 'bidi-control':
      return t('keyName.bidiControl', { codePoint: problem.codePoint });
    case 'invisible':
      return t('keyName.invisible', { codePoint: problem.codePoint });
    case 'edge-space':
      return t('keyName.edgeSpace');
  }
}

/**
 * What is wrong with a new name for key `keyId`, checked as the agent checks it (the rule of the
 * published API, and no other key of the server by that name as it compares them); null when it
 * may be sent. `keys` are those the window has of the server: the agent still has the last word.
 */
export function keyNameError(typed: string, keyId: string, keys: readonly Pick<ApiKey, 'id' | 'name'>[]): string | null {
  const check = checkKeyName(typed);
  if (!check.ok) return keyNameProblemWords(check.problem);
  const fold = keyNameFold(check.name);
  const holder = keys.find((key) => key.id !== keyId && keyNameFold(key.name) === fold);
  return holder ? t('errors.nameTaken', { name: holder.name }) : null;
}
