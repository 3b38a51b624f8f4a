import { checkoutRendererDir } from '../web/renderer-dir.ts';
import { startWebConsole } from '../web/web-console.ts';
import type { Command } from './command.ts';
import { cliWords } from './i18n/cli-i18n.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { parsePort } from './parse-port.ts';

/** Web mode: the desktop console's pages in any browser on this machine, until Ctrl-C. */
export const consoleCommand: Command = {
  name: 'console',
  usage: 'console [--port N]',
  parse(args) {
    const { values } = parseCommandArgs(args, { port: { type: 'string' } }, []);
    const port = values.port === undefined ? undefined : parsePort(values.port, '--port');
    return {
      // The admin is in the browser: a missing SSH password is asked for there (secret-required).
      asksSecretsInPage: true,
      async run(context) {
        const web = await startWebConsole({ services: context.core, rendererDir: checkoutRendererDir(), port });
        context.core.backgroundSync.start();
        try {
          context.stdout.write(`${web.url}\n`);
          context.stderr.write(`${cliWords(context.env)('webConsole.open')}\n`);
          await context.untilStopped();
        } finally {
          await web.close();
        }
      },
    };
  },
};
