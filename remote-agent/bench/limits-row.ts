import { ms, type Row } from './report.ts';
import type { CycleFigures } from './sampler-bench.ts';

/** What judging every key's limits each cycle adds: the check's own time, beside the cycles with and without limits. */
export function limitsRow(figures: CycleFigures): Row {
  return {
    what: `Limits check per cycle, ${figures.ports.toLocaleString('en-US')} keys with quota, reset and expiry, every port moved bytes (median of ${figures.runs})`,
    agent: `${ms(figures.limitsCheckMs)} (cycle ${ms(figures.limitedMovedMs)} with limits)`,
    baseline: `${ms(figures.movedMs)} (cycle without limits)`,
    checked: ms(figures.limitsCheckMs),
    target: '< 20 ms added',
    pass: figures.limitsCheckMs < 20,
  };
}
