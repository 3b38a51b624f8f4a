import { resolve } from 'node:path';
import { formatByteSize } from '../../shared/format/byte-size.ts';
import type { RestoreProgress, RestoreReport } from '../core/services/server-backup-service.ts';
import { answer } from './answer.ts';
import { askPassphrase } from './ask-passphrase.ts';
import type { Command, CommandContext } from './command.ts';
import { formatTable } from './format-table.ts';
import { formatUtc } from './format-utc.ts';
import { cliWords, type CliWords } from './i18n/cli-i18n.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { positionalCommand } from './positional-command.ts';
import { drawProgressBar } from './progress-bar.ts';

const backup: Command = {
  name: 'backup',
  usage: 'server backup NAME FILE [--daily BACKUPNAME] [--passphrase-file FILE]',
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(args, { daily: { type: 'string' }, 'passphrase-file': { type: 'string' } }, ['name', 'file']);
    return {
      async run(context) {
        const passphrase = await askPassphrase(context, values['passphrase-file'], { of: 'backup', confirm: true });
        const options = values.daily === undefined ? {} : { daily: values.daily };
        const written = await context.core.backups.backup(positional.name, resolve(positional.file), passphrase, options);
        const t = cliWords(context.env);
        answer(context, written, ({ file, sizeBytes, daily }) => {
          const words = { server: positional.name, file, count: sizeBytes };
          return `${daily === null ? t('backup.wrote', words) : t('backup.wroteDaily', { ...words, daily })}\n`;
        });
      },
    };
  },
};

const restore: Command = {
  name: 'restore',
  usage: 'server restore NAME FILE [--passphrase-file FILE]',
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(args, { 'passphrase-file': { type: 'string' } }, ['name', 'file']);
    return {
      async run(context) {
        const passphrase = await askPassphrase(context, values['passphrase-file'], { of: 'backup', confirm: false });
        const report = await context.core.backups.restore(positional.name, resolve(positional.file), passphrase, { onProgress: restoreProgress(context, positional.name) });
        answer(context, report, (restored) => restoredText(cliWords(context.env), positional.name, restored));
      },
    };
  },
};

/** The upload's bar, a line for each link lost and tried again, one when the server restores: on stderr, JSON lines with --json. */
function restoreProgress(context: CommandContext, server: string): (progress: RestoreProgress) => void {
  const t = cliWords(context.env);
  return (progress) => {
    if (context.json) {
      context.stderr.write(`${JSON.stringify(progress)}\n`);
      return;
    }
    const sent = 'sentBytes' in progress ? t('backup.sent', { sent: formatByteSize(progress.sentBytes), total: formatByteSize(progress.totalBytes) }) : '';
    switch (progress.stage) {
      case 'uploading':
        drawProgressBar(context, progress.sentBytes, progress.totalBytes, t('backup.sentTo', { sent: formatByteSize(progress.sentBytes), total: formatByteSize(progress.totalBytes), server }));
        break;
      case 'reconnecting': {
        const words = { server, reason: progress.reason, sent, seconds: Math.round(progress.waitMs / 1000), attempt: progress.attempt, attempts: progress.attempts };
        context.stderr.write(`${context.isTTY ? '\n' : ''}${t('backup.reconnecting', words)}\n`);
        break;
      }
      case 'restoring':
        context.stderr.write(`${t('backup.restoring', { server })}\n`);
        break;
    }
  };
}

function restoredText(t: CliWords, server: string, report: RestoreReport): string {
  const lines: string[] = [t('backup.restored', { keys: report.keys_restored, days: report.daily_rows_restored, server })];
  if (report.ports_moved.length > 0) {
    lines.push(t('backup.portsMoved', { count: report.ports_moved.length }));
    const columns = [
      { header: t('backup.column.key') },
      { header: t('backup.column.id') },
      { header: t('backup.column.oldPort'), align: 'right' as const },
      { header: t('backup.column.newPort'), align: 'right' as const },
    ];
    lines.push(formatTable(columns, report.ports_moved.map((move) => [move.key_name, move.key_id, String(move.old_port), String(move.new_port)])).trimEnd());
  }
  if (!report.xray.ok) lines.push(t('backup.xrayNotYet', { detail: report.xray.detail, server }));
  return `${lines.join('\n')}\n`;
}

const backups = positionalCommand({ usage: 'server backups NAME', json: true }, async (context, { name }) => {
  const list = await context.core.backups.dailyBackups(name);
  const t = cliWords(context.env);
  const columns = [{ header: t('backup.column.name') }, { header: t('backup.column.taken') }, { header: t('backup.column.bytes'), align: 'right' as const }];
  answer(context, list, (rows) =>
    rows.length === 0
      ? `${t('backup.noDaily', { server: name })}\n`
      : formatTable(columns, rows.map((row) => [row.name, formatUtc(row.taken_at), String(row.size_bytes)])),
  );
});

export const backupCommands: Command[] = [backup, restore, backups];
