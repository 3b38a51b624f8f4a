import type { PortCheck, PortCheckFailure, ServerProblem } from '../../shared/contract/server-health.ts';
import type { PortRange } from '../../shared/contract/servers.ts';
import type { CliWords } from './i18n/cli-i18n.ts';

/** A server's problem as the CLI says it: what is wrong, then the command that fixes it. */
export function problemWords(t: CliWords, problem: ServerProblem, server: string): string {
  switch (problem.code) {
    case 'xray-missing':
      return t('problem.xrayMissing', { path: problem.binaryPath, server });
    case 'xray-down':
      return problem.lastError ? t('problem.xrayDownWithError', { error: problem.lastError, server }) : t('problem.xrayDown', { server });
    case 'xray-api-unreachable':
      return problem.error ? t('problem.apiUnreachableWithError', { error: problem.error, server }) : t('problem.apiUnreachable', { server });
    case 'xray-out-of-sync': {
      const { expectedInbounds, missingInbounds, extraInbounds, changedInbounds } = problem;
      const counts = [
        missingInbounds > 0 ? t('problem.outOfSyncMissing', { count: missingInbounds }) : '',
        extraInbounds > 0 ? t('problem.outOfSyncExtra', { count: extraInbounds }) : '',
        changedInbounds > 0 ? t('problem.outOfSyncChanged', { count: changedInbounds }) : '',
      ].filter(Boolean);
      return t('problem.outOfSync', {
        served: expectedInbounds - missingInbounds,
        expected: expectedInbounds,
        counts: counts.join(', ') || t('problem.outOfSyncFile'),
        server,
      });
    }
    case 'firewall-out-of-sync':
      return t('problem.firewallOutOfSync', { server });
    case 'keys-not-serving': {
      const keys = problem.keys.map((key) => t('problem.keyNotServing', { name: key.name, reason: key.reason })).join('; ');
      return t('problem.keysNotServing', { count: problem.keys.length, keys, server });
    }
    case 'xray-duplicate':
      return t('problem.xrayDuplicate', { pids: problem.pids.join(', '), server });
    case 'routing-out-of-sync':
      return t(problem.privateDestinationsBlocked ? 'problem.routingDiffers' : 'problem.routingExposed', { server });
    case 'xray-version-unsupported':
      return t('problem.versionUnsupported', { version: problem.version ?? t('problem.unknownVersion'), reason: problem.reason, server });
    case 'port-unreachable':
      return portUnreachableWords(t, problem.host, problem.port, problem.keyPorts, problem.failure);
  }
}

/** What a port check found, in a line. */
export function portCheckWords(t: CliWords, check: PortCheck): string {
  if (check.reachable) return t('problem.portAnswers', { port: check.port, host: check.host, key: check.keyName });
  return portUnreachableWords(t, check.host, check.port, check.keyPorts, check.failure ?? 'other', check.errorCode);
}

function portUnreachableWords(t: CliWords, host: string, port: number, keyPorts: PortRange | null, failure: PortCheckFailure, errorCode: string | null = null): string {
  const range = keyPorts ? t('problem.portRange', { from: keyPorts.from, to: keyPorts.to }) : t('problem.portRangeUnknown', { port });
  const failed = failure === 'other' && errorCode !== null ? errorCode : t(`problem.failure.${failure}`);
  return t('problem.portUnreachable', { port, range, host, failure: failed });
}
