import { DATA_LIMIT_MAX_BYTES } from '../agent-api.ts';

/**
 * One rule for sizes typed by an admin, matching how Keyport shows them (format/byte-size.ts):
 * 1024-based. `KB`, `MB`, `GB`, `TB`, `PB` and `KiB` … `PiB` alike (so `50GB` is shown back as
 * "50.00 GiB": the number typed, in the unit it was read in); a bare number, or one ending in `B`, is bytes, which is how a 1000-based amount is
 * given exactly (`50000000000`). Letter case and a space before the unit do not matter; a fraction
 * (`1.5GB`) is rounded to the nearest byte.
 */
export const SIZE_UNITS = { B: 0, K: 1, M: 2, G: 3, T: 4, P: 5 } as const;

export type DataSizeProblem = 'not-a-size' | 'unknown-unit' | 'too-large';
export type DataSizeParse = { ok: true; bytes: number } | { ok: false; problem: DataSizeProblem };

const SIZE = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i;
const UNIT = /^(?:b|([kmgtp])(?:i?b)?)$/i;

export function parseDataSize(text: string): DataSizeParse {
  const match = SIZE.exec(text.trim());
  if (!match) return { ok: false, problem: 'not-a-size' };
  const [, number, unitText] = match as unknown as [string, string, string];
  let power = 0;
  if (unitText !== '') {
    const unit = UNIT.exec(unitText);
    if (!unit) return { ok: false, problem: 'unknown-unit' };
    power = unit[1] ? SIZE_UNITS[unit[1].toUpperCase() as keyof typeof SIZE_UNITS] : 0;
  }
  const bytes = Math.round(Number(number) * 1024 ** power);
  if (!Number.isSafeInteger(bytes) || bytes > DATA_LIMIT_MAX_BYTES) return { ok: false, problem: 'too-large' };
  return { ok: true, bytes };
}
