import { formatByteSize } from '../../shared/format/byte-size.ts';
import type { ServerStatus } from '../../shared/contract/servers.ts';
import { answer } from './answer.ts';
import { EXIT } from './exit-codes.ts';
import { positionalCommand } from './positional-command.ts';
import { portCheckWords, problemWords } from './problem-words.ts';

/** `keyport server check-ports NAME`: does a key port answer from this machine on the links' host? */
export const checkPorts = positionalCommand({ usage: 'server check-ports NAME', json: true }, async (context, positional) => {
  const check = await context.core.fleet.checkPorts(positional.name);
  answer(context, check, () => {
    if (check.reachable) return `${portCheckWords(check)}\n`;
    context.stderr.write(`keyport: ${portCheckWords(check)}\n`);
  });
  return check.reachable ? EXIT.ok : EXIT.failed;
});

/** `keyport server sync-config NAME`: the firewall and Xray brought back in line with the keys. */
export const syncConfig = positionalCommand({ usage: 'server sync-config NAME', json: true }, async (context, positional) => {
  const report = await context.core.system.syncConfig(positional.name);
  answer(context, report, () => {
    const { firewall, xray } = report;
    const rules = firewall.added.length + firewall.removed.length + firewall.repaired.length + firewall.reblocked.length;
    context.stdout.write(
      `Firewall: ${rules === 0 ? 'nothing to change' : `${rules} port(s) fixed`}. Xray: ${xray.ok ? '' : 'failed: '}${xray.detail}\n` +
        (report.in_sync ? `${positional.name} is in sync.\n` : ''),
    );
    if (!report.in_sync) context.stderr.write(`keyport: ${positional.name} is still out of sync: keyport server status ${positional.name} says what is left\n`);
  });
  return report.in_sync ? EXIT.ok : EXIT.failed;
});

/** The XRAY column of `server status`: its version, and its state unless it is fine. */
export function xrayCell(status: ServerStatus): string {
  const version = status.xrayVersion ?? '-';
  const state = status.xray?.state;
  if (!state || state === 'ok') return version;
  if (state === 'missing') return 'not installed';
  return `${version} (${state === 'out-of-sync' ? 'out of sync' : state === 'down' ? 'not running' : 'API down'})`;
}

/** One line per server whose Xray runs, below the status table: what it serves and what that costs it. */
export function xrayUsageLines(statuses: ServerStatus[]): string {
  return statuses
    .flatMap(({ server, xray }) => {
      if (!xray?.running || xray.pid === null) return [];
      const parts = [`pid ${xray.pid}`];
      if (xray.liveInbounds !== null) parts.push(`${xray.liveInbounds} inbound(s)`);
      if (xray.rssBytes !== null) parts.push(`${formatByteSize(xray.rssBytes)} resident`);
      if (xray.openFds !== null) parts.push(`${xray.openFds} open files${xray.openFilesLimit === null ? '' : ` of ${xray.openFilesLimit} allowed`}`);
      return [`${server.name}: Xray ${parts.join(', ')}\n`];
    })
    .join('');
}

/** One line per problem of each server, below the status table. */
export function problemLines(statuses: ServerStatus[]): string {
  return statuses.flatMap((status) => status.problems.map((problem) => `${status.server.name}: ${problemWords(problem, status.server.name)}\n`)).join('');
}
