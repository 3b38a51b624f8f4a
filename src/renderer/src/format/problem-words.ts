import type { PortCheck, PortCheckFailure, ServerProblem } from '../../../shared/contract/server-health.ts';

/** A problem's name, short enough for a state badge. */
export function problemTitle(problem: ServerProblem): string {
  switch (problem.code) {
    case 'xray-missing':
      return 'No Xray';
    case 'xray-down':
      return 'Xray not running';
    case 'xray-api-unreachable':
      return 'Xray API down';
    case 'xray-out-of-sync':
      return 'Xray out of sync';
    case 'firewall-out-of-sync':
      return 'Firewall out of sync';
    case 'keys-not-serving':
      return 'Keys not served';
    case 'xray-duplicate':
      return 'Two Xrays';
    case 'routing-out-of-sync':
      return 'Server exposed';
    case 'xray-version-unsupported':
      return 'Xray unsupported';
    case 'port-unreachable':
      return 'Key ports blocked';
  }
}

/** What is wrong and what it means for the keys, in a sentence or two. */
export function problemDetail(problem: ServerProblem): string {
  switch (problem.code) {
    case 'xray-missing':
      return `Xray is not installed on this server (${problem.binaryPath} is missing), so no key's link works. Install it from here.`;
    case 'xray-down':
      return `Xray is installed but not running, so no key's link works.${problem.lastError ? ` Last error: ${problem.lastError}` : ''} Syncing asks the agent to start it.`;
    case 'xray-api-unreachable':
      return `Xray runs, but its API does not answer${problem.error ? ` (${problem.error})` : ''}: new, disabled and deleted keys do not reach it. Syncing restarts it.`;
    case 'xray-out-of-sync': {
      const { expectedInbounds, missingInbounds, extraInbounds, changedInbounds } = problem;
      const served = expectedInbounds - missingInbounds;
      const extra = extraInbounds > 0 ? ` ${extraInbounds} inbound${extraInbounds === 1 ? '' : 's'} of no active key still served.` : '';
      const changed = changedInbounds > 0 ? ` ${changedInbounds} changed.` : '';
      return `Xray serves ${served} of ${expectedInbounds} active keys: ${missingInbounds > 0 ? `${missingInbounds} key${missingInbounds === 1 ? "'s link does" : "s' links do"} not work.` : 'its config differs from the keys.'}${extra}${changed} Sync now to fix it.`;
    }
    case 'firewall-out-of-sync':
      return 'The firewall rules do not match the keys: traffic may not be counted, or a disabled key not blocked. Sync now to fix it.';
    case 'keys-not-serving':
      return `${problem.keys.length} active key${problem.keys.length === 1 ? ' is' : 's are'} not served by Xray: ${problem.keys.map((key) => `${key.name} (${key.reason})`).join('; ')}.`;
    case 'xray-duplicate':
      return `Another Xray (pid ${problem.pids.join(', ')}) serves this server's config beside the agent's: connections split between them, and a disabled key may still work there. Sync now stops it.`;
    case 'routing-out-of-sync':
      return problem.privateDestinationsBlocked
        ? "Xray's routing differs from what the agent writes. Sync now to put it back."
        : "Xray's config no longer keeps VPN users off the server: they may reach its own services and private networks. Sync now to put the rule back.";
    case 'xray-version-unsupported':
      return `Xray ${problem.version ?? ''} ${problem.reason}. Install a supported version.`.replace('  ', ' ');
    case 'port-unreachable':
      return portUnreachableDetail(problem.host, problem.port, problem.keyPorts, problem.failure);
  }
}

/** What a port check found, as a sentence. */
export function portCheckDetail(check: PortCheck): string {
  if (check.reachable) return `Port ${check.port} on ${check.host} answers from here: keys' links can connect.`;
  return portUnreachableDetail(check.host, check.port, check.keyPorts, check.failure ?? 'other');
}

/** Why a key created now (or the one just created) would not work yet; null when nothing stands in its way. */
export function linkWarning(problems: readonly ServerProblem[], createdKeyName?: string): string | null {
  const blocking = problems.find(
    (problem) =>
      !['firewall-out-of-sync', 'xray-duplicate', 'routing-out-of-sync'].includes(problem.code) &&
      !(problem.code === 'xray-version-unsupported' && problem.support === 'newer-than-checked'),
  );
  if (!blocking) return null;
  const why: Record<ServerProblem['code'], string> = {
    'xray-missing': 'Xray is not installed on this server',
    'xray-down': 'Xray is not running on this server',
    'xray-api-unreachable': "Xray's API does not answer, so the new key does not reach it",
    'xray-out-of-sync': 'Xray is out of sync with the keys',
    'firewall-out-of-sync': '',
    'keys-not-serving': 'Xray fails to serve some keys',
    'xray-duplicate': '',
    'routing-out-of-sync': '',
    'xray-version-unsupported': 'the installed Xray is not supported',
    'port-unreachable': 'the key ports are not reachable from here (a firewall blocks them)',
  };
  const subject = createdKeyName === undefined ? 'A key created now' : `The link of ${createdKeyName}`;
  return `${subject} will not work yet: ${why[blocking.code]}.`;
}

function portUnreachableDetail(host: string, port: number, keyPorts: { from: number; to: number } | null, failure: PortCheckFailure): string {
  const range = keyPorts ? `${keyPorts.from}-${keyPorts.to}/tcp` : `${port}/tcp and the rest of the key port range`;
  return `Port ${port} is not reachable from here: open ${range} in your provider's firewall. Connecting to ${host}:${port} ${FAILURES[failure]}, so the keys' links cannot connect.`;
}

const FAILURES: Record<PortCheckFailure, string> = {
  timeout: 'got no answer (packets dropped)',
  refused: 'was refused',
  unreachable: 'found no route to the host',
  'no-address': 'found no address for the name',
  other: 'failed',
};
