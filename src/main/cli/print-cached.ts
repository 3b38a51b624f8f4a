import type { Cached } from '../../shared/contract/services.ts';
import type { CommandContext } from './command.ts';
import { formatUtc } from './format-utc.ts';
import { writeJson } from './write-json.ts';

/** A read's answer: JSON as the whole Cached<T> (source and syncedAt included), or rendered for people. */
export function printCached<T>(context: CommandContext, cached: Cached<T>, json: boolean, render: (data: T) => string): void {
  if (json) writeJson(context.stdout, cached);
  else context.stdout.write(render(cached.data));
  if (cached.source === 'cache') context.stderr.write(`(offline: from cache, last synced ${formatUtc(cached.syncedAt)})\n`);
}
