import type { PortCheck, PortCheckFailure, ServerProblem } from '../../shared/contract/server-health.ts';
import type { PortRange } from '../../shared/contract/servers.ts';

/** A server's problem as the CLI says it: what is wrong, then the command that fixes it. */
export function problemWords(problem: ServerProblem, server: string): string {
  switch (problem.code) {
    case 'xray-missing':
      return `Xray is not installed (no ${problem.binaryPath}), so no key's link works yet: keyport server install-xray ${server}`;
    case 'xray-down':
      return `Xray is installed but not running${problem.lastError ? ` (${problem.lastError})` : ''}, so no key's link works: keyport server sync-config ${server}`;
    case 'xray-api-unreachable':
      return `Xray runs but its API does not answer${problem.error ? ` (${problem.error})` : ''}, so key changes do not reach it: keyport server sync-config ${server}`;
    case 'xray-out-of-sync': {
      const { expectedInbounds, missingInbounds, extraInbounds, changedInbounds } = problem;
      const counts = [
        missingInbounds > 0 ? `${missingInbounds} missing` : '',
        extraInbounds > 0 ? `${extraInbounds} not of an active key` : '',
        changedInbounds > 0 ? `${changedInbounds} changed` : '',
      ].filter(Boolean);
      return `Xray is out of step with the keys: ${expectedInbounds - missingInbounds} of ${expectedInbounds} active keys served (${counts.join(', ') || 'its config file differs'}): keyport server sync-config ${server}`;
    }
    case 'firewall-out-of-sync':
      return `the firewall rules do not match the keys (counting or blocking): keyport server sync-config ${server}`;
    case 'keys-not-serving':
      return `${problem.keys.length} active key(s) not served by Xray: ${problem.keys.map((key) => `${key.name} (${key.reason})`).join('; ')}: keyport server sync-config ${server}`;
    case 'xray-duplicate':
      return `another Xray (pid ${problem.pids.join(', ')}) serves this config beside the agent's, so connections split and disabled keys may still work there: keyport server sync-config ${server}`;
    case 'routing-out-of-sync':
      return `${problem.privateDestinationsBlocked ? "Xray's routing differs from what the agent writes" : "Xray's config no longer keeps VPN users off the server and its private networks"}: keyport server sync-config ${server}`;
    case 'xray-version-unsupported':
      return `Xray ${problem.version ?? '(unknown version)'}: ${problem.reason}: keyport server install-xray ${server}`;
    case 'port-unreachable':
      return portUnreachableWords(problem.host, problem.port, problem.keyPorts, problem.failure);
  }
}

/** What a port check found, in a line. */
export function portCheckWords(check: PortCheck): string {
  if (check.reachable) return `port ${check.port} on ${check.host} answers from here (key ${check.keyName}): its links can connect.`;
  return portUnreachableWords(check.host, check.port, check.keyPorts, check.failure ?? 'other', check.errorCode);
}

function portUnreachableWords(host: string, port: number, keyPorts: PortRange | null, failure: PortCheckFailure, errorCode: string | null = null): string {
  const range = keyPorts ? `${keyPorts.from}-${keyPorts.to}/tcp` : `${port}/tcp and the rest of the key port range`;
  return `port ${port} is not reachable from here: open ${range} in your provider's firewall (connecting to ${host}:${port}: ${failureWords(failure, errorCode)})`;
}

function failureWords(failure: PortCheckFailure, errorCode: string | null): string {
  switch (failure) {
    case 'timeout':
      return 'no answer, the packets are dropped';
    case 'refused':
      return 'refused';
    case 'unreachable':
      return 'no route to the host';
    case 'no-address':
      return 'the name does not resolve';
    case 'other':
      return errorCode ?? 'failed';
  }
}
