import type { PortCheck, PortCheckFailure, ServerProblem } from '../../../shared/contract/server-health.ts';
import { t } from '../i18n/i18n.ts';

/** A problem's name, short enough for a state badge. */
export function problemTitle(problem: ServerProblem): string {
  return t(`problems.title.${problem.code}`);
}

/** What is wrong and what it means for the keys, in a sentence or two. */
export function problemDetail(problem: ServerProblem): string {
  switch (problem.code) {
    case 'xray-missing':
      return t('problems.detail.xrayMissing', { path: problem.binaryPath });
    case 'xray-down':
      return problem.lastError ? t('problems.detail.xrayDownWithError', { error: problem.lastError }) : t('problems.detail.xrayDown');
    case 'xray-api-unreachable':
      return problem.error ? t('problems.detail.apiUnreachableWithError', { error: problem.error }) : t('problems.detail.apiUnreachable');
    case 'xray-out-of-sync': {
      const { expectedInbounds: expected, missingInbounds, extraInbounds, changedInbounds } = problem;
      const served = expected - missingInbounds;
      return [
        missingInbounds > 0
          ? t('problems.detail.outOfSyncMissing', { count: missingInbounds, served, expected })
          : t('problems.detail.outOfSyncDiffers', { served, expected }),
        extraInbounds > 0 && t('problems.detail.outOfSyncExtra', { count: extraInbounds }),
        changedInbounds > 0 && t('problems.detail.outOfSyncChanged', { count: changedInbounds }),
        t('problems.detail.syncToFix'),
      ]
        .filter(Boolean)
        .join(' ');
    }
    case 'firewall-out-of-sync':
      return t('problems.detail.firewallOutOfSync');
    case 'keys-not-serving':
      return t('problems.detail.keysNotServing', {
        count: problem.keys.length,
        keys: problem.keys.map((key) => t('problems.detail.keyNotServing', { name: key.name, reason: key.reason })).join('; '),
      });
    case 'xray-duplicate':
      return t('problems.detail.xrayDuplicate', { pids: problem.pids.join(', ') });
    case 'routing-out-of-sync':
      return problem.privateDestinationsBlocked ? t('problems.detail.routingDiffers') : t('problems.detail.routingExposed');
    case 'xray-version-unsupported':
      return t('problems.detail.versionUnsupported', { version: problem.version ?? '', reason: problem.reason }).replace('  ', ' ');
    case 'port-unreachable':
      return portUnreachableDetail(problem.host, problem.port, problem.keyPorts, problem.failure);
  }
}

/** What a port check found, as a sentence. */
export function portCheckDetail(check: PortCheck): string {
  if (check.reachable) return t('problems.detail.portReachable', { port: check.port, host: check.host });
  return portUnreachableDetail(check.host, check.port, check.keyPorts, check.failure ?? 'other');
}

/** Problems that leave a new key's link working: counting, a second Xray, routing, an Xray newer than checked. */
const NOT_BLOCKING = new Set<ServerProblem['code']>(['firewall-out-of-sync', 'xray-duplicate', 'routing-out-of-sync']);

/** Why a key created now (or the one just created) would not work yet; null when nothing stands in its way. */
export function linkWarning(problems: readonly ServerProblem[], createdKeyName?: string): string | null {
  const blocking = problems.find(
    (problem) => !NOT_BLOCKING.has(problem.code) && !(problem.code === 'xray-version-unsupported' && problem.support === 'newer-than-checked'),
  );
  if (!blocking || blocking.code === 'firewall-out-of-sync' || blocking.code === 'xray-duplicate' || blocking.code === 'routing-out-of-sync') return null;
  const why = t(`problems.linkWarning.${blocking.code}`);
  return createdKeyName === undefined ? t('problems.linkWarning.newKey', { why }) : t('problems.linkWarning.createdKey', { name: createdKeyName, why });
}

function portUnreachableDetail(host: string, port: number, keyPorts: { from: number; to: number } | null, failure: PortCheckFailure): string {
  const range = keyPorts ? t('problems.detail.portRange', { from: keyPorts.from, to: keyPorts.to }) : t('problems.detail.portRangeUnknown', { port });
  return t('problems.detail.portUnreachable', { port, range, host, failure: t(`problems.failure.${failure}`) });
}
