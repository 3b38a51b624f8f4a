import type { DeployOptions, DeployResult, HostFirewallReport } from '../../shared/contract/deploy.ts';
import { deployNoteText } from '../../shared/i18n/deploy-notes/deploy-note-text.ts';
import { answer } from './answer.ts';
import type { Command, CommandContext } from './command.ts';
import { EXIT } from './exit-codes.ts';
import { cliLanguage } from './i18n/cli-i18n.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { parsePortRange } from './parse-port.ts';
import { progressPrinter } from './progress-printer.ts';
import { realityPatch } from './reality-command.ts';
import { SUBSCRIPTION_FLAGS, SUBSCRIPTION_USAGE, subscriptionOption } from './subscription-flags.ts';

export const deployCommand: Command = {
  name: 'deploy',
  usage: `server deploy NAME [--key-ports FROM-TO] ${SUBSCRIPTION_USAGE}\n                     [--reality-target HOST:PORT] [--reality-server-names A,B] [--break-lock]`,
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(
      args,
      {
        'key-ports': { type: 'string' },
        ...SUBSCRIPTION_FLAGS,
        'reality-target': { type: 'string' },
        'reality-server-names': { type: 'string' },
        'break-lock': { type: 'boolean' },
      },
      ['name'],
    );
    const options: DeployOptions = {};
    if (values['key-ports'] !== undefined) options.keyPorts = parsePortRange(values['key-ports'], '--key-ports');
    const subscriptions = subscriptionOption(values);
    if (subscriptions !== undefined) options.subscriptions = subscriptions;
    const settings = realityPatch(values['reality-target'], values['reality-server-names'], {
      target: '--reality-target',
      serverNames: '--reality-server-names',
    });
    if (settings) options.settings = settings;
    if (values['break-lock']) options.breakLock = true;
    return {
      async run(context) {
        const result = await context.core.deploy.deploy(positional.name, options, progressPrinter(context));
        answer(context, result, () => {
          if (result.rolledBack) return;
          const { facts } = result;
          context.stdout.write(
            `Deployed agent ${result.agentVersion} (release ${result.release}) on ${positional.name}: ${facts.os} ${facts.arch}, ${facts.init}${facts.asRoot ? '' : ' via sudo'}; Node runtime ${result.runtimeUploaded ? 'uploaded' : 'already there'}.\n`,
          );
          sayTodo(context, `the key ports of ${positional.name}`, result.hostFirewall);
          saySubscriptions(context, positional.name, result);
        });
        if (result.rolledBack) {
          context.stderr.write(`keyport: the new release did not come up on ${positional.name}; rolled back to the previous release\n`);
          return EXIT.failed;
        }
      },
    };
  },
};

function sayTodo(context: CommandContext, what: string, report: HostFirewallReport | undefined): void {
  const todo = report?.todo ?? [];
  if (todo.length === 0) return;
  context.stderr.write(`keyport: ${what} will not answer until this is run as root on it (${deployNoteText([report!.found], cliLanguage(context.env))}):\n${todo.map((command) => `  ${command}\n`).join('')}`);
}

function saySubscriptions(context: CommandContext, server: string, result: DeployResult): void {
  const served = result.subscriptions;
  if (!served) return;
  const over = served.certificate ? `HTTPS (certificate valid until ${served.certificate.notAfter})` : 'plain HTTP';
  context.stdout.write(`Subscriptions: ${served.urlBase}/sub/TOKEN over ${over}; each key's subscription_url (keyport people list shows one per person).\n`);
  if (!served.certificate) {
    context.stderr.write(
      `keyport: subscriptions on ${server} are plain HTTP: anyone on the way sees each fetch, the token and every link with its uuid; ` +
        'give --subscription-tls-cert FILE --subscription-tls-key FILE for HTTPS\n',
    );
  }
  sayTodo(context, `the subscription port of ${server}`, result.subscriptionFirewall);
}
