import type { Cached } from '../../shared/contract/services.ts';
import { answer } from './answer.ts';
import type { CommandContext } from './command.ts';
import { formatUtc } from './format-utc.ts';
import { cliWords } from './i18n/cli-i18n.ts';

/** A read's answer: JSON as the whole Cached<T> (source and syncedAt included), or rendered for people. */
export function printCached<T>(context: CommandContext, cached: Cached<T>, render: (data: T) => string): void {
  answer(context, cached, () => render(cached.data));
  if (cached.source === 'cache') context.stderr.write(`${cliWords(context.env)('common.offline', { time: formatUtc(cached.syncedAt) })}\n`);
}
