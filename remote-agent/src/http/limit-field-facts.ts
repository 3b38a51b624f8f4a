import type { ErrorObject } from 'ajv';
import { KeyLimitsFields } from '../api/key-limits.ts';

const LIMIT_FIELDS: ReadonlySet<string> = new Set(Object.keys(KeyLimitsFields));
// A limit of the body itself (`/note`), or of one key of a bulk create (`/keys/3/note`).
const LIMIT_PATH = /^(?:\/keys\/(\d+))?\/([a-z_]+)$/;

/**
 * The facts a body's schema error gives when it is about a key's limit: `reason: "bad_limits"`,
 * the `field`, and in a bulk create the `index` of the key, as the checks past the schema give them.
 */
export function limitFieldFacts(errors: readonly ErrorObject[], context: string): Record<string, string | number> {
  const match = context === 'body' ? LIMIT_PATH.exec(errors[0]?.instancePath ?? '') : null;
  if (!match || !LIMIT_FIELDS.has(match[2]!)) return {};
  return { reason: 'bad_limits', field: match[2]!, ...(match[1] !== undefined && { index: Number(match[1]) }) };
}
