import type { ServerProblem } from '../../../shared/contract/server-health.ts';

/** How an online server whose keys' links would not work shows: amber, named by its worst problem. */
export type HealthDisplayState = 'xray-missing' | 'xray-down' | 'out-of-sync' | 'xray-unsupported' | 'ports-blocked';

export function healthDisplayState(problem: ServerProblem): HealthDisplayState {
  switch (problem.code) {
    case 'xray-missing':
      return 'xray-missing';
    case 'xray-down':
    case 'xray-api-unreachable':
      return 'xray-down';
    case 'xray-out-of-sync':
    case 'firewall-out-of-sync':
    case 'keys-not-serving':
    case 'xray-duplicate':
    case 'routing-out-of-sync':
      return 'out-of-sync';
    case 'xray-version-unsupported':
      return 'xray-unsupported';
    case 'port-unreachable':
      return 'ports-blocked';
  }
}
