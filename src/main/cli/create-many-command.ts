import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { isKeyportError, KeyportError } from '../../shared/contract/errors.ts';
import type { CreateManyOptions, CreateManyProgress, CreateManyResult } from '../../shared/contract/key-batch.ts';
import { parseKeyList, type KeyList } from '../../shared/key-limits/key-list.ts';
import { answer } from './answer.ts';
import type { Command, CommandContext } from './command.ts';
import { cliWords, type CliWords } from './i18n/cli-i18n.ts';
import { KEY_LIMIT_OPTIONS, KEY_LIMIT_USAGE, limitFlags } from './key-limit-flags.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { drawProgressBar } from './progress-bar.ts';
import { UsageError } from './usage-error.ts';

export const createManyCommand: Command = {
  name: 'create-many',
  usage: `keys create-many SERVER (--from FILE | -) [--skip-existing] ${KEY_LIMIT_USAGE}`,
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(
      args,
      { from: { type: 'string' }, 'skip-existing': { type: 'boolean' }, ...KEY_LIMIT_OPTIONS },
      ['server'],
      ['source'],
    );
    if (positional.source !== undefined && positional.source !== '-') throw new UsageError((t) => t('usageError.createManySource', { argument: positional.source! }));
    if ((values.from === undefined) === (positional.source === undefined)) throw new UsageError((t) => t('usageError.createManyNames'));
    const source = values.from ?? '-';
    const limitsAt = limitFlags(values);
    return {
      async run(context) {
        const limits = limitsAt(context.now());
        const list = await readKeys(context, source);
        const options: CreateManyOptions = { skipExisting: values['skip-existing'] === true, ...(Object.keys(limits).length > 0 ? { limits } : {}) };
        let result: CreateManyResult;
        try {
          result = await context.core.keys.createMany(positional.server, list.keys, options, progressBar(context));
        } catch (error) {
          throw withLine(error, list, source);
        }
        answer(context, result, () => summary(cliWords(context.env), positional.server, result));
      },
    };
  },
};

async function readKeys(context: CommandContext, source: string): Promise<KeyList> {
  let content: string;
  try {
    content = source === '-' ? await text(context.stdin) : await readFile(source, 'utf8');
  } catch (error) {
    throw new KeyportError('bad-input', `cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file: source });
  }
  const list = parseKeyList(content, context.now().getTime());
  if (list.keys.length === 0) throw new KeyportError('bad-input', `${source === '-' ? 'stdin' : source} holds no names`, { file: source });
  return list;
}

/** The core names the list's index; the file's reader wants its line, first. */
function withLine(error: unknown, list: KeyList, source: string): unknown {
  if (!isKeyportError(error) || typeof error.facts.index !== 'number') return error;
  const line = list.lines[error.facts.index];
  const file = source === '-' ? 'stdin' : source;
  return line === undefined ? error : new KeyportError(error.code, `${file}, line ${line}: ${error.message}`, { ...error.facts, line, file });
}

/** A bar redrawn in place on a terminal, a line per step otherwise, JSON lines with --json: all on stderr. */
function progressBar(context: CommandContext): (progress: CreateManyProgress) => void {
  const t = cliWords(context.env);
  return ({ created, total }) => {
    if (context.json) {
      context.stderr.write(`${JSON.stringify({ created, total })}\n`);
      return;
    }
    drawProgressBar(context, created, total, t('keys.many.progress', { created, count: total }));
  };
}

function summary(t: CliWords, server: string, result: CreateManyResult): string {
  const { created, skipped } = result;
  const ports = created.map((key) => key.port);
  const skippedLine = skipped.length === 0 ? '' : `${t('keys.many.skipped', { count: skipped.length, server })}\n`;
  if (created.length === 0) return `${t('keys.many.createdNone', { server })}\n${skippedLine}`;
  const createdLine = t('keys.many.createdPorts', { count: created.length, server, from: Math.min(...ports), to: Math.max(...ports) });
  return `${createdLine}\n${skippedLine}${t('keys.many.next', { server })}\n`;
}
