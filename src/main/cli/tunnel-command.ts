import { API_KEY_HEADER, endpointUrl, listKeys } from '../../../remote-agent/src/api/index.ts';
import { answer } from './answer.ts';
import type { Command } from './command.ts';
import { cliWords } from './i18n/cli-i18n.ts';
import { labelledLines } from './labelled-lines.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { parsePort } from './parse-port.ts';

/** The one command that prints a secret, on purpose: the admin needs the API key to curl the agent. */
export const tunnelCommand: Command = {
  name: 'tunnel',
  usage: 'tunnel SERVER [--port N]',
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(args, { port: { type: 'string' } }, ['server']);
    const localPort = values.port === undefined ? undefined : parsePort(values.port, '--port');
    return {
      async run(context) {
        const tunnel = await context.core.openTunnel(positional.server, localPort);
        const t = cliWords(context.env);
        try {
          answer(context, { url: tunnel.url, apiKey: tunnel.apiKey }, ({ url, apiKey }) =>
            labelledLines(
              [
                [t('tunnel.url'), url],
                [t('tunnel.apiKey'), apiKey],
                [t('tunnel.example'), `curl -H '${API_KEY_HEADER}: ${apiKey}' ${url.replace(/\/$/, '')}${endpointUrl(listKeys)}`],
              ],
              1,
            ),
          );
          context.stderr.write(`${t('tunnel.open', { server: positional.server })}\n`);
          await context.untilStopped();
        } finally {
          await tunnel.close();
        }
      },
    };
  },
};
