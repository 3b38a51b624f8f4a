import type { ServerSettings, ServerSettingsPatch } from '../../shared/contract/api-types.ts';
import { answer } from './answer.ts';
import type { Command } from './command.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { printCached } from './print-cached.ts';
import { appliedExit, appliedLine } from './settings-applied.ts';
import { UsageError } from './usage-error.ts';

const SWITCH = { on: true, off: false } as const;

function switchValue(flag: string, text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (text === 'on' || text === 'off') return SWITCH[text];
  throw new UsageError(`${flag} takes on or off, got "${text}"`);
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
        if (Object.keys(patch).length === 0) {
          printCached(context, await system.settings(positional.name), settingsLines);
          return;
        }
        const update = await system.updateSettings(positional.name, patch);
        answer(context, update, ({ settings, applied }) =>
          settingsLines(settings) +
          appliedLine(applied, ({ method }) =>
            method === 'restart' ? 'Applied: Xray restarted once (its routing and logging cannot change live), so open connections dropped.' : `Applied: Xray took it (${method}).`,
          ),
        );
        return appliedExit(update);
      },
    };
  },
};

function settingsLines(settings: ServerSettings): string {
  return [
    `Private destinations  ${settings.allow_private_destinations ? 'ALLOWED: VPN users can reach this server itself and its private networks' : 'blocked: VPN users reach the internet, never this server or its private networks'}`,
    `Access log            ${settings.access_log ? "on: Xray logs each connection (client IP, destination, key), rotated at 10 MiB" : 'off: no record of who connected where'}`,
    `Reality               ${settings.reality_target}, server names ${settings.reality_server_names.join(', ')} (see keyport server reality)`,
    '',
  ].join('\n');
}
