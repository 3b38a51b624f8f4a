import { BYTE_UNITS as UNITS } from '../../../shared/agent-api.ts';
import { t } from '../i18n/i18n.ts';
import { formatNumber } from './format-number.ts';

/** Round amounts of one unit a gridline may sit at; fractions only above bytes. */
const STEPS = [0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250] as const;

export interface ByteAxis {
  /** The axis top, in bytes: a whole number of steps at or above the data's maximum. */
  max: number;
  /** Bytes between gridlines. */
  step: number;
  /** A gridline's label in the axis unit and the chosen language ("0", "25 KB", "0.5 MB"). */
  label: (bytes: number) => string;
}

/**
 * A byte axis from 0 with about `gridlines` steps at round amounts of one 1024-based unit
 * (0, 25, 50 … 125 KB), where a decimal axis would put them at 19.53 KB, 39.06 KB … An empty
 * chart gets 0 to 1 KB rather than fractions of a byte.
 */
export function byteAxis(maxBytes: number, gridlines = 5): ByteAxis {
  const top = maxBytes > 0 ? maxBytes : 1024;
  let unitIndex = 0;
  while (unitIndex < UNITS.length - 1 && top >= 1024 ** (unitIndex + 1)) unitIndex += 1;
  const unit = 1024 ** unitIndex;
  const wanted = top / unit / gridlines;
  const steps = STEPS.filter((step) => unitIndex > 0 || Number.isInteger(step));
  const step = steps.find((candidate) => candidate >= wanted) ?? steps[steps.length - 1]!;
  return {
    max: Math.ceil(top / unit / step) * step * unit,
    step: step * unit,
    label: (bytes) => (bytes === 0 ? '0' : `${formatNumber(Number((bytes / unit).toFixed(2)))} ${t(`units.${UNITS[unitIndex]!}`)}`),
  };
}
