import { resolve } from 'node:path';
import { formatByteSize } from '../../shared/format/byte-size.ts';
import type { RestoreProgress, RestoreReport } from '../core/services/server-backup-service.ts';
import { answer } from './answer.ts';
import { askPassphrase } from './ask-passphrase.ts';
import type { Command, CommandContext } from './command.ts';
import { formatTable } from './format-table.ts';
import { formatUtc } from './format-utc.ts';
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
        answer(context, written, ({ file, sizeBytes, daily }) =>
          `Wrote ${daily === null ? `a backup of ${positional.name}` : `${positional.name}'s daily backup ${daily}`} to ${file} (${sizeBytes} bytes, encrypted with the passphrase).\n`,
        );
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
        answer(context, report, (restored) => restoredText(positional.name, restored));
      },
    };
  },
};

/** The upload's bar, a line for each link lost and tried again, one when the server restores: on stderr, JSON lines with --json. */
function restoreProgress(context: CommandContext, server: string): (progress: RestoreProgress) => void {
  return (progress) => {
    if (context.json) {
      context.stderr.write(`${JSON.stringify(progress)}\n`);
      return;
    }
    const sent = 'sentBytes' in progress ? `${formatByteSize(progress.sentBytes)} of ${formatByteSize(progress.totalBytes)}` : '';
    switch (progress.stage) {
      case 'uploading':
        drawProgressBar(context, progress.sentBytes, progress.totalBytes, `${sent} sent to ${server}`);
        break;
      case 'reconnecting':
        context.stderr.write(
          `${context.isTTY ? '\n' : ''}The link to ${server} failed (${progress.reason}); ${sent} are kept there. ` +
            `Trying again in ${Math.round(progress.waitMs / 1000)} s (${progress.attempt} of ${progress.attempts}).\n`,
        );
        break;
      case 'restoring':
        context.stderr.write(`Restoring on ${server}...\n`);
        break;
    }
  };
}

function restoredText(server: string, report: RestoreReport): string {
  const lines = [`Restored ${report.keys_restored} key(s) and ${report.daily_rows_restored} day(s) of history onto ${server}.`];
  if (report.ports_moved.length > 0) {
    lines.push(`${report.ports_moved.length} key(s) got another port (theirs was taken or outside this server's range): their links changed.`);
    lines.push(formatTable([{ header: 'KEY' }, { header: 'ID' }, { header: 'OLD PORT', align: 'right' }, { header: 'NEW PORT', align: 'right' }], report.ports_moved.map((move) => [move.key_name, move.key_id, String(move.old_port), String(move.new_port)])).trimEnd());
  }
  if (!report.xray.ok) lines.push(`Xray did not take the restored keys yet (${report.xray.detail}): keyport server sync-config ${server}`);
  return `${lines.join('\n')}\n`;
}

const backups = positionalCommand({ usage: 'server backups NAME', json: true }, async (context, { name }) => {
  const list = await context.core.backups.dailyBackups(name);
  answer(context, list, (rows) =>
    rows.length === 0
      ? `${name} has no daily backups yet.\n`
      : formatTable([{ header: 'NAME' }, { header: 'TAKEN' }, { header: 'BYTES', align: 'right' }], rows.map((row) => [row.name, formatUtc(row.taken_at), String(row.size_bytes)])),
  );
});

export const backupCommands: Command[] = [backup, restore, backups];
