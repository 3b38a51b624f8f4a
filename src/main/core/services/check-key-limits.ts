import { checkKeyLimits, DATA_LIMIT_MAX_BYTES, DATA_LIMIT_RESETS } from '../../../shared/agent-api.ts';
import type { KeyLimits } from '../../../shared/contract/api-types.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';

export type KeyLimitField = keyof KeyLimits;

/**
 * Checks limits by the agent's rules before anything is sent, so every face gets the same
 * `bad-input` naming the field (and, in a list, `index`) whatever the agent would answer.
 */
export function checkKeyLimitsInput(limits: KeyLimits, where: { index?: number; name?: string } = {}): void {
  const refuse = (field: KeyLimitField, problem: string, detail: string): never => {
    const value = limits[field];
    throw new KeyportError('bad-input', `${where.index === undefined ? '' : `key ${where.index + 1} ("${where.name}"): `}${detail}; nothing was sent`, {
      field,
      problem,
      value: value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value),
      ...(where.index === undefined ? {} : { index: where.index, name: where.name ?? null }),
    });
  };
  const bytes = limits.data_limit_bytes;
  if (bytes !== undefined && bytes !== null && !(Number.isSafeInteger(bytes) && bytes >= 0 && bytes <= DATA_LIMIT_MAX_BYTES)) {
    refuse('data_limit_bytes', 'not-a-quota', `a quota is a whole number of bytes from 0 to ${DATA_LIMIT_MAX_BYTES}, not ${bytes}`);
  }
  const reset = limits.data_limit_reset;
  if (reset !== undefined && !(DATA_LIMIT_RESETS as readonly string[]).includes(reset)) {
    refuse('data_limit_reset', 'unknown-reset', `a reset period is one of ${DATA_LIMIT_RESETS.join(', ')}, not "${reset}"`);
  }
  const checked = checkKeyLimits({ expires_at: limits.expires_at, note: limits.note });
  if (!checked.ok) refuse(checked.field, checked.field === 'note' ? 'note-too-long' : 'no-such-date', checked.detail);
}
