import { resolve } from 'node:path';
import type { OpenedConsoleExport } from '../core/console-state/read-console-export.ts';
import { answer } from './answer.ts';
import { askPassphrase } from './ask-passphrase.ts';
import type { Command } from './command.ts';
import { exportedText, importedText, importWarnings } from './console-state-words.ts';
import { cliWords } from './i18n/cli-i18n.ts';
import { parseCommandArgs } from './parse-command-args.ts';

export const exportCommand: Command = {
  name: 'export',
  usage: 'export FILE [--with-secrets] [--passphrase-file FILE]',
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(args, { 'with-secrets': { type: 'boolean' }, 'passphrase-file': { type: 'string' } }, ['file']);
    return {
      async run(context) {
        const report = await context.core.consoleState.export(resolve(positional.file), {
          withSecrets: values['with-secrets'] === true,
          askPassphrase: () => askPassphrase(context, values['passphrase-file'], { of: 'export', confirm: true }),
        });
        answer(context, report, (exported) => exportedText(cliWords(context.env), exported));
      },
    };
  },
};

export const importCommand: Command = {
  name: 'import',
  usage: 'import FILE [--replace] [--passphrase-file FILE]',
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(args, { replace: { type: 'boolean' }, 'passphrase-file': { type: 'string' } }, ['file']);
    let opened: OpenedConsoleExport | undefined;
    return {
      // The whole file is checked and its secrets opened before the core opens: a refused one leaves $KEYPORT_HOME untouched.
      async beforeCore(io) {
        const { readConsoleExport } = await import('../core/console-state/read-console-export.ts');
        opened = await readConsoleExport(resolve(positional.file), () => askPassphrase(io, values['passphrase-file'], { of: 'export', confirm: false }));
      },
      async run(context) {
        const report = await context.core.consoleState.import(opened!, { replace: values.replace === true });
        const t = cliWords(context.env);
        answer(context, report, (imported) => importedText(t, imported));
        context.stderr.write(importWarnings(t, report));
      },
    };
  },
};
