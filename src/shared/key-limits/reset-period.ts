import { DATA_LIMIT_RESETS, type DataLimitReset } from '../agent-api.ts';

/** A reset period as typed: the API's names in any letter case, `none` and `never` meaning `no_reset`. */
export function parseResetPeriod(text: string): DataLimitReset | undefined {
  const name = text.trim().toLowerCase();
  if (name === 'none' || name === 'never') return 'no_reset';
  return (DATA_LIMIT_RESETS as readonly string[]).includes(name) ? (name as DataLimitReset) : undefined;
}
