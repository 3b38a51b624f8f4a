import { UsageError } from './usage-error.ts';

export function parsePort(text: string, flag: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new UsageError((t) => t('usageError.port', { flag, text }));
  return port;
}

/** `FROM-TO`, two ports; whether the range suits its use is the core's to say. */
export function parsePortRange(text: string, flag: string): { from: number; to: number } {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(text);
  if (!match) throw new UsageError((t) => t('usageError.portRange', { flag, text }));
  return { from: parsePort(match[1]!, flag), to: parsePort(match[2]!, flag) };
}
