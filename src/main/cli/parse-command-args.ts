import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from './usage-error.ts';

type ParsedValues<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>['values'];

/**
 * parseArgs in strict mode with named positionals: `required` must all be there, `optional` may
 * follow, anything else is a UsageError. Positionals come back by name, flags as parseArgs types them.
 */
export function parseCommandArgs<const O extends ParseArgsOptionsConfig, const R extends string, const P extends string = never>(
  args: string[],
  options: O,
  required: readonly R[],
  optional: readonly P[] = [],
): { values: ParsedValues<O>; positional: Record<R, string> & Partial<Record<P, string>> } {
  let parsed: { values: ParsedValues<O>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs explains at length how to pass a positional that starts with '-'; the first sentence is the point.
    throw new UsageError((error as Error).message.split('. ')[0]!);
  }
  const names: string[] = [...required, ...optional];
  const missing = required.slice(parsed.positionals.length);
  if (missing.length > 0) throw new UsageError((t) => t('usageError.missing', { names: missing.map((name) => name.toUpperCase()).join(' ') }));
  const extra = parsed.positionals.slice(names.length);
  if (extra.length > 0) throw new UsageError((t) => t('usageError.unexpected', { argument: extra[0]! }));
  const positional = Object.fromEntries(parsed.positionals.map((value, index) => [names[index], value]));
  return { values: parsed.values, positional: positional as Record<R, string> & Partial<Record<P, string>> };
}
