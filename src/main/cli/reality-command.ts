import type { RealityCheckReport, ServerSettings, ServerSettingsPatch } from '../../shared/contract/api-types.ts';
import { KeyportError } from '../../shared/contract/errors.ts';
import { checkSettingsPatch } from '../core/services/check-settings-patch.ts';
import { answer } from './answer.ts';
import type { Command } from './command.ts';
import { EXIT } from './exit-codes.ts';
import { cliWords, type CliWords } from './i18n/cli-i18n.ts';
import { labelledLines } from './labelled-lines.ts';
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
        const t = cliWords(context.env);
        if (patch) {
          const update = await system.updateSettings(name, patch);
          const { applied } = update;
          const words =
            realityLines(t, update.settings) +
            appliedLine(t, applied, ({ method, detail }) => t('reality.applied', { method: t(`settings.method.${method}`), detail })) +
            (patch.reality_server_names ? `${t('reality.sniChanged', { name: update.settings.reality_server_names[0] ?? '?' })}\n` : '');
          // With --verify, the JSON answer is the check's report alone.
          if (!values.verify) answer(context, update, () => words);
          else if (!context.json) context.stdout.write(words);
          if (!values.verify) return appliedExit(update);
        } else if (!values.verify) {
          printCached(context, await system.settings(name), (settings) => realityLines(t, settings));
          return;
        }
        const report = await system.verifyReality(name);
        answer(context, report, (checked) => verifyLines(t, checked));
        return report.valid ? undefined : EXIT.failed;
      },
    };
  },
};

function realityLines(t: CliWords, settings: ServerSettings): string {
  return labelledLines([
    [t('reality.target'), settings.reality_target],
    [t('reality.serverNames'), t('reality.names', { names: settings.reality_server_names.join(', '), first: settings.reality_server_names[0] ?? '?' })],
    [t('reality.fingerprint'), settings.reality_fingerprint],
  ]);
}

function verifyLines(t: CliWords, report: RealityCheckReport): string {
  const marks = { ok: t('reality.check.ok'), warn: t('reality.check.warn'), fail: t('reality.check.fail') };
  const width = Math.max(...Object.values(marks).map((mark) => [...mark].length));
  const lines = report.checks.map((check) => `${(check.ok ? marks.ok : check.level === 'warning' ? marks.warn : marks.fail).padEnd(width)}  ${check.detail}`);
  const failed = report.checks.filter((check) => !check.ok && check.level === 'error').length;
  const warned = report.checks.filter((check) => !check.ok && check.level === 'warning').length;
  const verdict = failed > 0 ? t('reality.failed', { count: failed }) : warned > 0 ? t('reality.warned', { count: warned }) : t('reality.passed');
  return `${t('reality.verdict', { target: report.target, verdict })}\n${lines.join('\n')}\n`;
}
