import type { DeployOptions, DeployResult, HostFirewallReport } from '../../shared/contract/deploy.ts';
import { deployNoteText } from '../../shared/i18n/deploy-notes/deploy-note-text.ts';
import { answer } from './answer.ts';
import type { Command, CommandContext } from './command.ts';
import { EXIT } from './exit-codes.ts';
import { cliLanguage, cliWords, type CliWords } from './i18n/cli-i18n.ts';
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
        const t = cliWords(context.env);
        const server = positional.name;
        answer(context, result, () => {
          if (result.rolledBack) return;
          const { facts } = result;
          const runtime = t(result.runtimeUploaded ? 'deploy.runtimeUploaded' : 'deploy.runtimeThere');
          const words = { version: result.agentVersion, release: result.release, server, os: facts.os, arch: facts.arch, init: facts.init, runtime };
          context.stdout.write(`${t(facts.asRoot ? 'deploy.deployed' : 'deploy.deployedSudo', words)}\n`);
          sayTodo(context, (found) => t('deploy.todoKeyPorts', { server, found }), result.hostFirewall);
          saySubscriptions(context, t, server, result);
        });
        if (result.rolledBack) {
          context.stderr.write(`keyport: ${t('deploy.rolledBack', { server })}\n`);
          return EXIT.failed;
        }
      },
    };
  },
};

/** `heading` says what will not answer, given what was found; the commands below it are the server's, as they are. */
function sayTodo(context: CommandContext, heading: (found: string) => string, report: HostFirewallReport | undefined): void {
  const todo = report?.todo ?? [];
  if (!report || todo.length === 0) return;
  context.stderr.write(`keyport: ${heading(deployNoteText([report.found], cliLanguage(context.env)))}\n${todo.map((command) => `  ${command}\n`).join('')}`);
}

function saySubscriptions(context: CommandContext, t: CliWords, server: string, result: DeployResult): void {
  const served = result.subscriptions;
  if (!served) return;
  const over = served.certificate ? t('deploy.https', { until: served.certificate.notAfter }) : t('deploy.plainHttp');
  context.stdout.write(`${t('deploy.subscriptions', { url: served.urlBase, over })}\n`);
  if (!served.certificate) context.stderr.write(`keyport: ${t('deploy.plainHttpWarning', { server })}\n`);
  sayTodo(context, (found) => t('deploy.todoSubscriptionPort', { server, found }), result.subscriptionFirewall);
}
