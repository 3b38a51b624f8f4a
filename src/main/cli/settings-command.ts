import type { ServerSettings, ServerSettingsPatch } from '../../shared/contract/api-types.ts';
import { answer } from './answer.ts';
import type { Command } from './command.ts';
import { cliWords, type CliWords } from './i18n/cli-i18n.ts';
import { labelledLines } from './labelled-lines.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { printCached } from './print-cached.ts';
import { appliedExit, appliedLine } from './settings-applied.ts';
import { UsageError } from './usage-error.ts';

const SWITCH = { on: true, off: false } as const;

function switchValue(flag: string, text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (text === 'on' || text === 'off') return SWITCH[text];
  throw new UsageError((t) => t('usageError.onOff', { flag, text }));
}

/** What VPN users may reach through a server, and whether Xray logs their connections. */
export const settingsCommand: Command = {
  name: 'settings',
  usage: 'server settings NAME [--private-destinations on|off] [--access-log on|off]',
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(args, { 'private-destinations': { type: 'string' }, 'access-log': { type: 'string' } }, ['name']);
    const patch: ServerSettingsPatch = {};
    const privateDestinations = switchValue('--private-destinations', values['private-destinations']);
    const accessLog = switchValue('--access-log', values['access-log']);
    if (privateDestinations !== undefined) patch.allow_private_destinations = privateDestinations;
    if (accessLog !== undefined) patch.access_log = accessLog;
    return {
      async run(context) {
        const { system } = context.core;
        const t = cliWords(context.env);
        if (Object.keys(patch).length === 0) {
          printCached(context, await system.settings(positional.name), (settings) => settingsLines(t, settings));
          return;
        }
        const update = await system.updateSettings(positional.name, patch);
        answer(context, update, ({ settings, applied }) =>
          settingsLines(t, settings) + appliedLine(t, applied, ({ method }) => (method === 'restart' ? t('settings.restarted') : t('settings.took', { method: t(`settings.method.${method}`) }))),
        );
        return appliedExit(update);
      },
    };
  },
};

function settingsLines(t: CliWords, settings: ServerSettings): string {
  return labelledLines([
    [t('settings.privateDestinations'), t(settings.allow_private_destinations ? 'settings.privateAllowed' : 'settings.privateBlocked')],
    [t('settings.accessLog'), t(settings.access_log ? 'settings.accessOn' : 'settings.accessOff')],
    [t('settings.reality'), t('settings.realityValue', { target: settings.reality_target, names: settings.reality_server_names.join(', ') })],
  ]);
}
