import { UsageError } from './usage-error.ts';

export function parsePort(text: string, flag: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new UsageError(`${flag} must be a TCP port, 1-65535 (got '${text}')`);
  return port;
}
