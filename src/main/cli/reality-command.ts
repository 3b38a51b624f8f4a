import type { RealityCheckReport, ServerSettings, ServerSettingsPatch } from '../../shared/contract/api-types.ts';
import { KeyportError } from '../../shared/contract/errors.ts';
import { checkSettingsPatch } from '../core/services/check-settings-patch.ts';
import { answer } from './answer.ts';
import type { Command } from './command.ts';
import { EXIT } from './exit-codes.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { printCached } from './print-cached.ts';
import { appliedExit, appliedLine } from './settings-applied.ts';
import { UsageError } from './usage-error.ts';

/**
 * The Reality part of a settings change from flags (`--target HOST:PORT`, `--server-names A,B`),
 * checked as the core checks it, so a typo exits 2 before anything is opened. Undefined: no flag.
 */
export function realityPatch(target: string | undefined, serverNames: string | undefined, flags = { target: '--target', serverNames: '--server-names' }): ServerSettingsPatch | undefined {
  const patch: ServerSettingsPatch = {};
  if (target !== undefined) patch.reality_target = target.trim();
  if (serverNames !== undefined) patch.reality_server_names = serverNames.split(',').map((name) => name.trim()).filter(Boolean);
  if (Object.keys(patch).length === 0) return undefined;
  try {
    return checkSettingsPatch(patch);
  } catch (error) {
    if (!(error instanceof KeyportError) || error.code !== 'bad-input') throw error;
    const flag = error.facts.field === 'reality_target' ? flags.target : flags.serverNames;
    throw new UsageError(`${flag}: ${error.message.replace(/^reality_\w+ /, '')}`);
  }
}

export const realityCommand: Command = {
  name: 'reality',
  usage: 'server reality NAME [--target HOST:PORT] [--server-names A,B] [--verify]',
  json: true,
  parse(args) {
    const options = { target: { type: 'string' }, 'server-names': { type: 'string' }, verify: { type: 'boolean' } } as const;
    const { values, positional } = parseCommandArgs(args, options, ['name']);
    const patch = realityPatch(values.target, values['server-names']);
    return {
      async run(context) {
        const { system } = context.core;
        const name = positional.name;
        if (patch) {
          const update = await system.updateSettings(name, patch);
          const { applied } = update;
          const words =
            realityLines(update.settings) +
            appliedLine(applied, ({ method, detail }) => `Applied to Xray (${method}): ${detail}.`) +
            (patch.reality_server_names ? `Keys' links now carry sni=${update.settings.reality_server_names[0]}: hand out their new links or QR codes.\n` : '');
          // With --verify, the JSON answer is the check's report alone.
          if (!values.verify) answer(context, update, () => words);
          else if (!context.json) context.stdout.write(words);
          if (!values.verify) return appliedExit(update);
        } else if (!values.verify) {
          printCached(context, await system.settings(name), realityLines);
          return;
        }
        const report = await system.verifyReality(name);
        answer(context, report, verifyLines);
        return report.valid ? undefined : EXIT.failed;
      },
    };
  },
};

function realityLines(settings: ServerSettings): string {
  return [
    `Target        ${settings.reality_target}`,
    `Server names  ${settings.reality_server_names.join(', ')} (links carry sni=${settings.reality_server_names[0] ?? '?'})`,
    `Fingerprint   ${settings.reality_fingerprint}`,
    '',
  ].join('\n');
}

function verifyLines(report: RealityCheckReport): string {
  const lines = report.checks.map((check) => `${check.ok ? 'ok  ' : check.level === 'warning' ? 'warn' : 'FAIL'}  ${check.detail}`);
  const failed = report.checks.filter((check) => !check.ok && check.level === 'error').length;
  const warned = report.checks.filter((check) => !check.ok && check.level === 'warning').length;
  const verdict = failed > 0 ? `${failed} check${failed === 1 ? '' : 's'} failed` : warned > 0 ? `usable, with ${warned} warning${warned === 1 ? '' : 's'}` : 'every check passed';
  return `Reality target ${report.target}: ${verdict}\n${lines.join('\n')}\n`;
}
