import { checkKeyLimits, type DataLimitReset } from '../../api/key-limits.ts';
import { badRequest } from '../../lib/http-error.ts';
import type { KeyLimits } from '../store/key-store.ts';

/** The limit fields of a create or an update, as the API names them (the schema has checked their types). */
export interface LimitFieldsBody {
  data_limit_bytes?: number | null;
  data_limit_reset?: DataLimitReset;
  expires_at?: string | null;
  note?: string;
}

/**
 * The limits a body sets, those it leaves out absent; what the schema cannot check (a date that
 * exists, a note's length as a reader counts it) is a 400 with reason bad_limits naming the field,
 * and `index` when the body is one of a bulk create's.
 */
export function limitChanges(body: LimitFieldsBody, index?: number): Partial<KeyLimits> {
  const check = checkKeyLimits(body);
  if (!check.ok) {
    const where = index === undefined ? '' : `keys[${index}]: `;
    throw badRequest(`${where}${check.detail}`, { reason: 'bad_limits', field: check.field, ...(index !== undefined && { index }) });
  }
  return {
    ...(body.data_limit_bytes !== undefined && { dataLimitBytes: body.data_limit_bytes }),
    ...(body.data_limit_reset !== undefined && { dataLimitReset: body.data_limit_reset }),
    ...(body.expires_at !== undefined && { expiresAtMs: check.expiresAtMs }),
    ...(body.note !== undefined && { note: body.note }),
  };
}

export const hasLimitFields = (body: LimitFieldsBody): boolean =>
  body.data_limit_bytes !== undefined || body.data_limit_reset !== undefined || body.expires_at !== undefined || body.note !== undefined;
