import { checkLinkHost } from '../../shared/agent-api.ts';
import type { LinkSettings, LinkSettingsChange, LinkSettingsField, LinkSettingsResult } from '../../shared/contract/link-settings.ts';
import { answer } from './answer.ts';
import type { Command } from './command.ts';
import { EXIT } from './exit-codes.ts';
import { cliWords, type CliWords } from './i18n/cli-i18n.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { parsePortRange } from './parse-port.ts';
import { progressPrinter } from './progress-printer.ts';
import { realityPatch } from './reality-command.ts';
import { UsageError } from './usage-error.ts';

/** How a server's links are written: the host they name, Reality's target and names, the key port range. */
export const serverSetCommand: Command = {
  name: 'set',
  usage: 'server set NAME [--link-host HOST | --no-link-host] [--reality-target HOST:PORT] [--server-names A,B] [--key-ports FROM-TO]',
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(
      args,
      {
        'link-host': { type: 'string' },
        'no-link-host': { type: 'boolean' },
        'reality-target': { type: 'string' },
        'server-names': { type: 'string' },
        'key-ports': { type: 'string' },
      },
      ['name'],
    );
    const change = linkSettingsChange(values);
    return {
      async run(context) {
        const result = await context.core.deploy.changeLinkSettings(positional.name, change, progressPrinter(context));
        const t = cliWords(context.env);
        answer(context, result, () => resultWords(t, positional.name, result));
        const certificate = result.subscriptionCertificate;
        if (certificate && certificate.namesLinkHost !== true) {
          const facts = { subject: certificate.subject, host: result.after.linkHost, server: positional.name };
          context.stderr.write(`keyport: ${t(certificate.namesLinkHost === false ? 'serverSet.certificateNotNaming' : 'serverSet.certificateUnread', facts)}\n`);
        }
        for (const failed of result.bundles.filter((outcome) => !outcome.done)) {
          context.stderr.write(`keyport: ${t('serverSet.bundleFailed', { server: failed.server, message: failed.done ? '' : failed.message })}\n`);
        }
        if (result.deploy?.rolledBack) {
          context.stderr.write(`keyport: ${t('serverSet.rolledBack', { server: positional.name, from: change.keyPorts!.from, to: change.keyPorts!.to })}\n`);
          return EXIT.failed;
        }
        if (result.applied && !result.applied.ok) return EXIT.failed;
      },
    };
  },
};

/** The flags as a change, each checked as the core checks it, so a typo exits 2 before anything is opened. */
function linkSettingsChange(values: Partial<Record<'link-host' | 'reality-target' | 'server-names' | 'key-ports', string>> & { 'no-link-host'?: boolean }): LinkSettingsChange {
  const change: LinkSettingsChange = {};
  const linkHost = values['link-host'];
  if (linkHost !== undefined && values['no-link-host']) throw new UsageError((t) => t('usageError.linkHostBoth'));
  if (linkHost !== undefined) {
    const checked = checkLinkHost(linkHost);
    if (!checked.ok) throw new UsageError(`--link-host: ${checked.detail}`);
    change.linkHost = checked.host;
  }
  if (values['no-link-host']) change.linkHost = null;
  const reality = realityPatch(values['reality-target'], values['server-names'], { target: '--reality-target', serverNames: '--server-names' });
  if (reality?.reality_target !== undefined) change.realityTarget = reality.reality_target;
  if (reality?.reality_server_names !== undefined) change.realityServerNames = reality.reality_server_names;
  if (values['key-ports'] !== undefined) change.keyPorts = parsePortRange(values['key-ports'], '--key-ports');
  if (Object.keys(change).length === 0) throw new UsageError((t) => t('usageError.serverSetNothing'));
  return change;
}

const FIELD_ORDER: readonly LinkSettingsField[] = ['linkHost', 'realityTarget', 'realityServerNames', 'keyPorts'];

function resultWords(t: CliWords, server: string, result: LinkSettingsResult): string {
  if (result.deploy?.rolledBack) return '';
  const lines: string[] = [];
  if (result.changed.length === 0) lines.push(t('serverSet.nothing', { server }));
  else lines.push(t('serverSet.changed', { server }));
  for (const field of FIELD_ORDER) {
    const before = fieldWords(t, field, result.before);
    const after = fieldWords(t, field, result.after);
    const label = t(`serverSet.field.${field}`);
    lines.push(result.changed.includes(field) ? t('serverSet.changedLine', { label, before, after }) : t('serverSet.keptLine', { label, value: after }));
  }
  if (result.applied) {
    lines.push(result.applied.ok ? t('serverSet.xrayTook', { method: t(`settings.method.${result.applied.method}`) }) : t('serverSet.xrayNotYet', { detail: result.applied.detail }));
  }
  if (result.changed.includes('keyPorts')) lines.push(t('serverSet.keyPortsNote', { from: result.after.keyPorts.from, to: result.after.keyPorts.to }));
  if (result.changed.some((field) => field !== 'keyPorts')) lines.push(t('serverSet.linksChanged', { server }));
  const pushedTo = [...new Set(result.bundles.filter((outcome) => outcome.done).map((outcome) => outcome.server))].filter((name) => name !== server);
  if (pushedTo.length > 0) lines.push(t('serverSet.bundlesPushed', { servers: pushedTo.join(', ') }));
  return `${lines.join('\n')}\n`;
}

function fieldWords(t: CliWords, field: LinkSettingsField, settings: LinkSettings): string {
  switch (field) {
    case 'linkHost':
      return settings.linkHostSet ? settings.linkHost : t('serverSet.sshHost', { host: settings.linkHost });
    case 'realityTarget':
      return settings.realityTarget;
    case 'realityServerNames':
      return settings.realityServerNames.join(', ');
    case 'keyPorts':
      return `${settings.keyPorts.from}-${settings.keyPorts.to}`;
  }
}
