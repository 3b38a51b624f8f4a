import type { ExportReport, ImportReport } from '../core/console-state/console-state-service.ts';
import type { ServerNeed } from '../core/console-state/import-needs.ts';
import type { ServerImportOutcome } from '../core/console-state/plan-console-import.ts';

const NOT_IN_FILE =
  'Not in the file: the cache (keys, traffic history, last answers), which refills from the servers on the first sync, ' +
  'and agent API keys, which Keyport never stores: it reads each from its server over SSH on first connect.\n';

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

export function exportedText(report: ExportReport): string {
  const lines = [
    `Wrote ${report.file} (${report.sizeBytes} bytes, mode 0600): ${plural(report.servers, 'server')}, ` +
      `${plural(report.hostKeyPins, 'trusted host key')}, ${plural(report.pendingDisables, 'pending disable')}.`,
  ];
  if (report.secrets === null) {
    lines.push(
      report.secretsLeftOut.length === 0
        ? 'No secrets: this console stores no SSH passwords or passphrases.'
        : `No secrets: the stored SSH password or passphrase of ${report.secretsLeftOut.join(', ')} is left out; on the new laptop it is asked for on first connect.`,
    );
  } else if (report.secrets.length === 0) {
    lines.push('No secrets to carry: this console stores no SSH passwords or passphrases, so no passphrase was asked.');
  } else {
    lines.push(`Secrets: the SSH password or passphrase of ${report.secrets.join(', ')}, encrypted with the passphrase.`);
  }
  return `${lines.join('\n')}\n${NOT_IN_FILE}`;
}

export function importedText(report: ImportReport): string {
  const width = Math.max(0, ...report.servers.map((server) => server.name.length));
  const lines = [`Imported ${report.file}:`, ...report.servers.map((server) => `  ${server.name.padEnd(width)}  ${outcomeWords(server)}`)];
  const pins = report.hostKeyPins;
  lines.push(
    `Trusted host keys: ${pins.imported} imported` +
      (pins.merged.length === 0 ? '.' : `; added to ${pins.merged.map((merge) => `${merge.server} (${merge.endpoints.join(', ')})`).join(', ')}.`),
  );
  for (const conflict of pins.conflicts) {
    lines.push(
      `  ${conflict.server} ${conflict.endpoint}: kept ${conflict.kept}; the file trusts ${conflict.inFile} ` +
        `(if the server's key changed: keyport server trust ${conflict.server} --accept-host-key KEY, once checked on the server)`,
    );
  }
  const pending = report.pendingDisables;
  lines.push(
    `Pending disables: ${pending.imported} imported` +
      (pending.dropped > 0 ? `, ${pending.dropped} left out (their server was skipped)` : '') +
      (pending.forgotten > 0 ? `, ${pending.forgotten} of this console's dropped with the servers replaced` : '') +
      '.',
  );
  if (report.secrets !== null) {
    if (report.secrets.kept.length > 0) lines.push(`SSH secrets of ${report.secrets.kept.join(', ')} sealed with this console's OS keychain.`);
    if (report.secrets.notKept.length > 0) {
      lines.push(`SSH secrets of ${report.secrets.notKept.join(', ')} were in the file, but this console has no OS keychain to keep them: they are asked for when needed.`);
    }
  }
  const needs = report.needs.filter((need) => !isWarning(need));
  if (needs.length > 0) lines.push('Before logging in from here:', ...needs.map((need) => `  ${need.server}: ${needWords(need)}`));
  lines.push('Agent API keys are read from each server over SSH on first connect; the cache fills on the first sync (keyport server sync NAME, or any read).');
  return `${lines.join('\n')}\n`;
}

/** A need that stops a login until the admin acts: said on stderr as a warning. */
export function importWarnings(report: ImportReport): string {
  return report.needs
    .filter(isWarning)
    .map((need) => `warning: ${need.server}: ${needWords(need)}\n`)
    .join('');
}

function isWarning(need: ServerNeed): boolean {
  return need.need === 'key-file-missing' || (need.need === 'ssh-agent' && !need.agentRunning);
}

function outcomeWords(outcome: ServerImportOutcome): string {
  switch (outcome.outcome) {
    case 'added':
      return 'added';
    case 'replaced':
      return `replaced ${outcome.replaced.join(' and ')} (--replace)`;
    case 'skipped':
      return `skipped: ${skippedWhy(outcome)} (--replace puts the file's in its place)`;
  }
}

function skippedWhy(outcome: Extract<ServerImportOutcome, { outcome: 'skipped' }>): string {
  if (outcome.clash === 'name') return `this console has another server named ${outcome.existing}`;
  return outcome.existing === outcome.name ? 'this console has it already' : `this console has it already, named ${outcome.existing}`;
}

function needWords(need: ServerNeed): string {
  switch (need.need) {
    case 'key-file-missing':
      return `the key file ${need.path} does not exist here: copy it there from the old laptop`;
    case 'key-passphrase':
      return `the passphrase of ${need.path} is asked for on first connect (or KEYPORT_SSH_SECRET)`;
    case 'password':
      return 'the SSH password is asked for on first connect (or KEYPORT_SSH_SECRET)';
    case 'ssh-agent':
      return need.agentRunning ? 'logs in through ssh-agent: load its key there (ssh-add)' : 'logs in through ssh-agent, and SSH_AUTH_SOCK is not set here: start ssh-agent and load its key (ssh-add)';
  }
}
