import type { ExportReport, ImportReport } from '../core/console-state/console-state-service.ts';
import type { ServerNeed } from '../core/console-state/import-needs.ts';
import type { ServerImportOutcome } from '../core/console-state/plan-console-import.ts';
import type { CliWords } from './i18n/cli-i18n.ts';

export function exportedText(t: CliWords, report: ExportReport): string {
  const lines: string[] = [
    t('consoleExport.wrote', {
      file: report.file,
      size: report.sizeBytes,
      servers: t('consoleExport.servers', { count: report.servers }),
      pins: t('consoleExport.pins', { count: report.hostKeyPins }),
      pending: t('consoleExport.pending', { count: report.pendingDisables }),
    }),
  ];
  if (report.secrets === null) {
    lines.push(
      report.secretsLeftOut.length === 0
        ? t('consoleExport.noSecretsStored')
        : t('consoleExport.secretsLeftOut', { servers: report.secretsLeftOut.join(', ') }),
    );
  } else if (report.secrets.length === 0) {
    lines.push(t('consoleExport.nothingToCarry'));
  } else {
    lines.push(t('consoleExport.secrets', { servers: report.secrets.join(', ') }));
  }
  return `${lines.join('\n')}\n${t('consoleExport.notInFile')}\n`;
}

export function importedText(t: CliWords, report: ImportReport): string {
  const width = Math.max(0, ...report.servers.map((server) => server.name.length));
  const lines: string[] = [t('consoleImport.imported', { file: report.file }), ...report.servers.map((server) => `  ${server.name.padEnd(width)}  ${outcomeWords(t, server)}`)];
  const pins = report.hostKeyPins;
  lines.push(
    pins.merged.length === 0
      ? t('consoleImport.pins', { count: pins.imported })
      : t('consoleImport.pinsMerged', { count: pins.imported, merged: pins.merged.map((merge) => `${merge.server} (${merge.endpoints.join(', ')})`).join(', ') }),
  );
  for (const conflict of pins.conflicts) {
    lines.push(t('consoleImport.conflict', { server: conflict.server, endpoint: conflict.endpoint, kept: conflict.kept, inFile: conflict.inFile }));
  }
  const pending = report.pendingDisables;
  lines.push(
    t('consoleImport.pending', {
      count: pending.imported,
      dropped: pending.dropped > 0 ? t('consoleImport.pendingDropped', { count: pending.dropped }) : '',
      forgotten: pending.forgotten > 0 ? t('consoleImport.pendingForgotten', { count: pending.forgotten }) : '',
    }),
  );
  if (report.secrets !== null) {
    if (report.secrets.kept.length > 0) lines.push(t('consoleImport.secretsKept', { servers: report.secrets.kept.join(', ') }));
    if (report.secrets.notKept.length > 0) lines.push(t('consoleImport.secretsNotKept', { servers: report.secrets.notKept.join(', ') }));
  }
  const needs = report.needs.filter((need) => !isWarning(need));
  if (needs.length > 0) lines.push(t('consoleImport.beforeLogin'), ...needs.map((need) => `  ${need.server}: ${needWords(t, need)}`));
  lines.push(t('consoleImport.agentKeys'));
  return `${lines.join('\n')}\n`;
}

/** A need that stops a login until the admin acts: said on stderr as a warning. */
export function importWarnings(t: CliWords, report: ImportReport): string {
  return report.needs
    .filter(isWarning)
    .map((need) => `${t('common.warning', { message: `${need.server}: ${needWords(t, need)}` })}\n`)
    .join('');
}

function isWarning(need: ServerNeed): boolean {
  return need.need === 'key-file-missing' || (need.need === 'ssh-agent' && !need.agentRunning);
}

function outcomeWords(t: CliWords, outcome: ServerImportOutcome): string {
  switch (outcome.outcome) {
    case 'added':
      return t('consoleImport.added');
    case 'replaced':
      return t('consoleImport.replaced', { servers: outcome.replaced.join(t('consoleImport.and')) });
    case 'skipped':
      return t('consoleImport.skipped', { why: skippedWhy(t, outcome) });
  }
}

function skippedWhy(t: CliWords, outcome: Extract<ServerImportOutcome, { outcome: 'skipped' }>): string {
  if (outcome.clash === 'name') return t('consoleImport.otherNamed', { existing: outcome.existing });
  return outcome.existing === outcome.name ? t('consoleImport.hasIt') : t('consoleImport.hasItNamed', { existing: outcome.existing });
}

function needWords(t: CliWords, need: ServerNeed): string {
  switch (need.need) {
    case 'key-file-missing':
      return t('consoleImport.need.keyFileMissing', { path: need.path });
    case 'key-passphrase':
      return t('consoleImport.need.keyPassphrase', { path: need.path });
    case 'password':
      return t('consoleImport.need.password');
    case 'ssh-agent':
      return t(need.agentRunning ? 'consoleImport.need.sshAgent' : 'consoleImport.need.sshAgentMissing');
  }
}
