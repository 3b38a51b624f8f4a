import type { ErrorObject } from 'ajv';

// An entry of a bulk bundle write (`/bundles/7`, or a field of it), and a bundle's own fields
// (`/links/3`, `/usage/used_bytes`), in the body itself or in such an entry.
const BULK_ENTRY = /^\/bundles\/(\d+)(\/.*)?$/;
const BUNDLE_FIELD = /^\/(links|usage)(?:\/([a-z_]+|\d+))?$/;

/**
 * The facts a body's schema error gives when it is about a bundle, as the checks past the schema
 * give them: `reason: "bad_link"` with the link's position, `reason: "bad_usage"` with the field,
 * and in a bulk write the `index` of the entry (alone for an entry of the wrong shape).
 */
export function bundleFieldFacts(errors: readonly ErrorObject[], context: string): Record<string, string | number> {
  if (context !== 'body') return {};
  const path = errors[0]?.instancePath ?? '';
  const entry = BULK_ENTRY.exec(path);
  const facts: Record<string, string | number> = entry ? { index: Number(entry[1]) } : {};
  const field = BUNDLE_FIELD.exec(entry ? (entry[2] ?? '') : path);
  if (!field) return facts;
  const [, part, inner] = field;
  if (part === 'usage') return { ...facts, reason: 'bad_usage', field: inner ?? 'usage' };
  if (inner !== undefined && /^\d+$/.test(inner)) return { ...facts, reason: 'bad_link', [entry ? 'link_index' : 'index']: Number(inner) };
  return facts;
}
