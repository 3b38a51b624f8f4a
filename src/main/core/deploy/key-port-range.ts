import { KeyportError } from '../../../shared/contract/errors.ts';
import type { PortRange } from '../../../shared/contract/servers.ts';

/** A key port range a deploy may give: unprivileged TCP ports, first ≤ last, clear of the agent's API port. */
export function checkKeyPorts(range: PortRange, apiPort: number): PortRange {
  const { from, to } = range;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1024 || to > 65535 || from > to) {
    throw new KeyportError('bad-input', `key ports ${from}-${to} are not a range of unprivileged TCP ports (1024-65535, first ≤ last)`, { field: 'keyPorts' });
  }
  if (apiPort >= from && apiPort <= to) throw new KeyportError('bad-input', `key ports ${from}-${to} hold the agent's API port ${apiPort}`, { field: 'keyPorts' });
  return { from, to };
}

/**
 * Refuses a new range that leaves out ports keys have. Moving them would change their links, and
 * a key outside the range is neither opened by the host firewall nor given back its port by the
 * agent's range rules; so the range must hold them, and only new keys take ports from it.
 */
export function checkRangeHoldsKeys(server: string, range: PortRange, keyPorts: readonly number[]): void {
  const outside = keyPorts.filter((port) => port < range.from || port > range.to);
  if (outside.length === 0) return;
  const lowestPort = Math.min(...keyPorts);
  const highestPort = Math.max(...keyPorts);
  throw new KeyportError(
    'key-ports-exclude-keys',
    `${outside.length} of ${server}'s ${keyPorts.length} key(s) have ports outside ${range.from}-${range.to} (its keys use ${lowestPort}-${highestPort}): ` +
      `choose a range that holds ${lowestPort}-${highestPort}, or delete those keys first; nothing was changed`,
    { server, from: range.from, to: range.to, outside: outside.length, lowestPort, highestPort },
  );
}
