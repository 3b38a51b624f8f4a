import { readFile } from 'node:fs/promises';
import { KeyportError } from '../../shared/contract/errors.ts';
import { askHidden } from './ask-hidden.ts';
import type { CliIo } from './command.ts';
import { cliWords } from './i18n/cli-i18n.ts';

export interface PassphraseQuestion {
  /** What it guards, in the prompt and the errors. */
  of: 'backup' | 'export';
  /** Asked twice, as when it seals a new file. */
  confirm: boolean;
}

/**
 * A file's passphrase: the first line of --passphrase-file, or asked on the terminal with echo off
 * (twice when it seals a new file). Never a flag's value, so it is in no process list.
 */
export async function askPassphrase(io: Pick<CliIo, 'isTTY' | 'stdin' | 'stderr' | 'env'>, file: string | undefined, question: PassphraseQuestion): Promise<string> {
  if (file !== undefined) {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new KeyportError('bad-input', `cannot read the passphrase file ${file} (${error.code ?? error.message})`, { field: 'passphrase-file' });
    });
    return text.split(/\r?\n/)[0] ?? '';
  }
  if (!io.isTTY) {
    throw new KeyportError('bad-input', `the ${question.of} passphrase is needed and there is no terminal to ask on: give --passphrase-file FILE`, {
      missing: 'passphrase',
    });
  }
  const t = cliWords(io.env);
  const passphrase = await askHidden(io, t(`ask.passphrase.${question.of}`));
  if (question.confirm && (await askHidden(io, t('ask.passphraseAgain'))) !== passphrase) {
    throw new KeyportError('bad-input', 'the two passphrases differ; nothing was written', { field: 'passphrase' });
  }
  return passphrase;
}
