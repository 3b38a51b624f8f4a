import { UsageError } from './usage-error.ts';

export function parsePort(text: string, flag: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new UsageError(`${flag} must be a TCP port, 1-65535 (got '${text}')`);
  return port;
}

/** `FROM-TO`, two ports; whether the range suits its use is the core's to say. */
export function parsePortRange(text: string, flag: string): { from: number; to: number } {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(text);
  if (!match) throw new UsageError(`${flag} must be FROM-TO, two TCP ports (got '${text}')`);
  return { from: parsePort(match[1]!, flag), to: parsePort(match[2]!, flag) };
}
