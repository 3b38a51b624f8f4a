import { KeyportError } from '../../shared/contract/errors.ts';
import type { CliIo, CommandContext, PreparedCommand } from './command.ts';
import { cliWords, type CliWords } from './i18n/cli-i18n.ts';
import { readLine } from './read-line.ts';

/** y or yes, and the Russian д or да: what a terminal's answer must be to go on. */
const YES = /^(y|yes|д|да)$/i;

/**
 * What a command that deletes for good needs before it runs: `--yes`, or a yes on the terminal.
 * Its `beforeCore` is the command's, so a script without `--yes` is refused before anything is
 * opened (nothing changes, nothing waits on stdin); `confirmed` asks on the terminal once the
 * command knows what it deletes.
 */
export interface DeletionConfirmation {
  beforeCore: PreparedCommand['beforeCore'];
  /** True when nothing needs asking; else asks `question` on the terminal, and says "nothing was deleted" on a no. */
  confirmed(context: CommandContext, question: string): Promise<boolean>;
}

/**
 * @param goAhead `--yes` was given, or this command line deletes nothing (say, uninstall without
 *   --delete-data): nothing is asked.
 * @param deletion What the command would delete, in the CLI's words (`t('confirm.what.…')`), for
 *   the refusal when there is no terminal to ask on.
 */
export function deletionConfirmation(goAhead: boolean, deletion: (t: CliWords) => string): DeletionConfirmation {
  return {
    beforeCore: goAhead ? undefined : async (io: CliIo) => refuseWithoutTerminal(io, deletion),
    async confirmed(context, question) {
      if (goAhead) return true;
      const t = cliWords(context.env);
      context.stderr.write(`${question} [y/N] `);
      if (YES.test((await readLine(context.stdin)).trim())) return true;
      context.stderr.write(`${t('confirm.nothingDeleted')}\n`);
      return false;
    },
  };
}

function refuseWithoutTerminal(io: CliIo, deletion: (t: CliWords) => string): void {
  if (io.isTTY) return;
  const t = cliWords(io.env);
  throw new KeyportError('bad-input', t('confirm.needsYes', { deletion: deletion(t) }), { problem: 'not-confirmed' });
}
