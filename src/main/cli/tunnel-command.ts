import { API_KEY_HEADER, endpointUrl, listKeys } from '../../../remote-agent/src/api/index.ts';
import type { Command } from './command.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { parsePort } from './parse-port.ts';
import { writeJson } from './write-json.ts';

/** The one command that prints a secret, on purpose: the admin needs the API key to curl the agent. */
export const tunnelCommand: Command = {
  name: 'tunnel',
  usage: 'tunnel SERVER [--port N] [--json]',
  parse(args) {
    const { values, positional } = parseCommandArgs(args, { port: { type: 'string' }, json: { type: 'boolean' } }, ['server']);
    const localPort = values.port === undefined ? undefined : parsePort(values.port, '--port');
    return {
      json: values.json === true,
      async run(context) {
        const tunnel = await context.core.openTunnel(positional.server, localPort);
        try {
          if (values.json) {
            writeJson(context.stdout, { url: tunnel.url, apiKey: tunnel.apiKey });
          } else {
            context.stdout.write(
              `URL:     ${tunnel.url}\nAPI key: ${tunnel.apiKey}\n` +
                `Example: curl -H '${API_KEY_HEADER}: ${tunnel.apiKey}' ${tunnel.url.replace(/\/$/, '')}${endpointUrl(listKeys)}\n`,
            );
          }
          context.stderr.write(`Tunnel to ${positional.server}'s agent is open; Ctrl-C closes it.\n`);
          await context.untilStopped();
        } finally {
          await tunnel.close();
        }
      },
    };
  },
};
