import { readFileSync } from 'node:fs';
import { markdownTable, ms, type Row } from './report.ts';
import { limitsRow } from './limits-row.ts';
import { benchSamplingCycle } from './sampler-bench.ts';

const RUNS = 5;
const PORTS = 10_000;
const HISTORY_DAYS = 365;

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/**
 * The sampling rows of `bench:agent` on their own, and the same cycles on a database holding a
 * year of daily rows for every key (as a server that has run that long does), each beside the bare
 * `ipset save` of its own run.
 */
async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const historyDays of [0, HISTORY_DAYS]) {
    const before = loadAverage();
    const figures = await benchSamplingCycle(PORTS, RUNS, historyDays);
    const history = historyDays === 0 ? 'no history' : `${historyDays} days of history`;
    console.error(`${history}: load average ${before} before, ${loadAverage()} after`);
    for (const [what, value] of [['no counter changed', figures.idleMs], ['every port moved bytes', figures.movedMs]] as const) {
      rows.push({
        what: `Sampling cycle, 10,000 ports, ${history}, ${what} (median of ${RUNS})`,
        agent: ms(value),
        baseline: `${ms(figures.saveMs)} (ipset save alone)`,
        checked: ms(value),
        target: '< 150 ms',
        pass: value < 150,
      });
    }
    rows.push({ ...limitsRow(figures), what: `${limitsRow(figures).what}, ${history}` });
  }
  console.log(markdownTable(rows));
}

main().catch((error: unknown) => {
  console.error(`sampling bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
});
