import { UsageError } from './usage-error.ts';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/** `--disable-after`: `7d`, `2w`, `12h` or `30m`, as milliseconds. */
export function parseGrace(text: string): number {
  const match = /^(\d{1,5})\s*([mhdw])$/i.exec(text.trim());
  if (!match) throw new UsageError((t) => t('usageError.grace', { text }));
  return Number(match[1]) * UNIT_MS[match[2]!.toLowerCase() as keyof typeof UNIT_MS];
}
