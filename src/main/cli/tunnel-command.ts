import { API_KEY_HEADER, endpointUrl, listKeys } from '../../../remote-agent/src/api/index.ts';
import { answer } from './answer.ts';
import type { Command } from './command.ts';
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
        try {
          answer(
            context,
            { url: tunnel.url, apiKey: tunnel.apiKey },
            ({ url, apiKey }) =>
              `URL:     ${url}\nAPI key: ${apiKey}\n` + `Example: curl -H '${API_KEY_HEADER}: ${apiKey}' ${url.replace(/\/$/, '')}${endpointUrl(listKeys)}\n`,
          );
          context.stderr.write(`Tunnel to ${positional.server}'s agent is open; Ctrl-C closes it.\n`);
          await context.untilStopped();
        } finally {
          await tunnel.close();
        }
      },
    };
  },
};
