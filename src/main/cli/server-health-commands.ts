import { formatByteSize } from '../../shared/format/byte-size.ts';
import type { ServerStatus } from '../../shared/contract/servers.ts';
import { answer } from './answer.ts';
import { EXIT } from './exit-codes.ts';
import { cliWords, type CliWords } from './i18n/cli-i18n.ts';
import { positionalCommand } from './positional-command.ts';
import { portCheckWords, problemWords } from './problem-words.ts';

/** `keyport server check-ports NAME`: does a key port answer from this machine on the links' host? */
export const checkPorts = positionalCommand({ usage: 'server check-ports NAME', json: true }, async (context, positional) => {
  const check = await context.core.fleet.checkPorts(positional.name);
  const t = cliWords(context.env);
  answer(context, check, () => {
    if (check.reachable) return `${portCheckWords(t, check)}\n`;
    context.stderr.write(`keyport: ${portCheckWords(t, check)}\n`);
  });
  return check.reachable ? EXIT.ok : EXIT.failed;
});

/** `keyport server sync-config NAME`: the firewall and Xray brought back in line with the keys. */
export const syncConfig = positionalCommand({ usage: 'server sync-config NAME', json: true }, async (context, positional) => {
  const report = await context.core.system.syncConfig(positional.name);
  const t = cliWords(context.env);
  const server = positional.name;
  answer(context, report, () => {
    const { firewall, xray } = report;
    const rules = firewall.added.length + firewall.removed.length + firewall.repaired.length + firewall.reblocked.length;
    const firewallWords = rules === 0 ? t('servers.syncConfig.firewallNothing') : t('servers.syncConfig.firewallFixed', { count: rules });
    const xrayWords = t(xray.ok ? 'servers.syncConfig.xray' : 'servers.syncConfig.xrayFailed', { detail: xray.detail });
    context.stdout.write(`${firewallWords} ${xrayWords}\n${report.in_sync ? `${t('servers.syncConfig.inSync', { server })}\n` : ''}`);
    if (!report.in_sync) context.stderr.write(`keyport: ${t('servers.syncConfig.outOfSync', { server })}\n`);
  });
  return report.in_sync ? EXIT.ok : EXIT.failed;
});

/** The XRAY column of `server status`: its version, and its state unless it is fine. */
export function xrayCell(t: CliWords, status: ServerStatus): string {
  const version = status.xrayVersion ?? '-';
  const state = status.xray?.state;
  if (!state || state === 'ok') return version;
  if (state === 'missing') return t('servers.xray.missing');
  return t(state === 'out-of-sync' ? 'servers.xray.outOfSync' : state === 'down' ? 'servers.xray.down' : 'servers.xray.apiDown', { version });
}

/** One line per server whose Xray runs, below the status table: what it serves and what that costs it. */
export function xrayUsageLines(t: CliWords, statuses: ServerStatus[]): string {
  return statuses
    .flatMap(({ server, xray }) => {
      if (!xray?.running || xray.pid === null) return [];
      const parts: string[] = [t('servers.usage.pid', { pid: xray.pid })];
      if (xray.liveInbounds !== null) parts.push(t('servers.usage.inbounds', { count: xray.liveInbounds }));
      if (xray.rssBytes !== null) parts.push(t('servers.usage.resident', { size: formatByteSize(xray.rssBytes) }));
      if (xray.openFds !== null) {
        parts.push(
          xray.openFilesLimit === null
            ? t('servers.usage.openFiles', { count: xray.openFds })
            : t('servers.usage.openFilesOf', { count: xray.openFds, limit: xray.openFilesLimit }),
        );
      }
      return [`${t('servers.usage.line', { server: server.name, parts: parts.join(', ') })}\n`];
    })
    .join('');
}

/** One line per problem of each server, below the status table. */
export function problemLines(t: CliWords, statuses: ServerStatus[]): string {
  return statuses
    .flatMap((status) => status.problems.map((problem) => `${t('servers.problemLine', { server: status.server.name, problem: problemWords(t, problem, status.server.name) })}\n`))
    .join('');
}
