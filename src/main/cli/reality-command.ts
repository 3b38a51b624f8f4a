import type { RealityCheckReport, ServerSettings, ServerSettingsPatch } from '../../shared/contract/api-types.ts';
import { KeyportError } from '../../shared/contract/errors.ts';
import { checkSettingsPatch } from '../core/services/check-settings-patch.ts';
import type { Command } from './command.ts';
import { EXIT } from './exit-codes.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { printCached } from './print-cached.ts';
import { UsageError } from './usage-error.ts';
import { writeJson } from './write-json.ts';

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
  usage: 'server reality NAME [--target HOST:PORT] [--server-names A,B] [--verify] [--json]',
  parse(args) {
    const { values, positional } = parseCommandArgs(
      args,
      { target: { type: 'string' }, 'server-names': { type: 'string' }, verify: { type: 'boolean' }, json: { type: 'boolean' } },
      ['name'],
    );
    const patch = realityPatch(values.target, values['server-names']);
    const json = values.json === true;
    return {
      json,
      async run(context) {
        const { system } = context.core;
        const name = positional.name;
        if (patch) {
          const update = await system.updateSettings(name, patch);
          if (json && !values.verify) writeJson(context.stdout, update);
          if (!json) {
            context.stdout.write(realityLines(update.settings));
            const { applied } = update;
            context.stdout.write(
              !applied
                ? 'Stored; Xray needed no change.\n'
                : applied.ok
                  ? `Applied to Xray (${applied.method}): ${applied.detail}.\n`
                  : `Stored, but Xray did not take it yet: ${applied.detail}\n`,
            );
            if (patch.reality_server_names) context.stdout.write(`Keys' links now carry sni=${update.settings.reality_server_names[0]}: hand out their new links or QR codes.\n`);
          }
          if (!values.verify) return update.applied === null || update.applied.ok ? undefined : EXIT.failed;
        } else if (!values.verify) {
          printCached(context, await system.settings(name), json, realityLines);
          return;
        }
        const report = await system.verifyReality(name);
        if (json) writeJson(context.stdout, report);
        else context.stdout.write(verifyLines(report));
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
