import type { TrafficSummaryReport } from '../../../../shared/contract/api-types.ts';
import type { Cached } from '../../../../shared/contract/services.ts';
import { measuredAtMs } from '../../format/measured-at.ts';

/** One period's sum over the servers whose figures are of that period. */
export interface PeriodTotal {
  /** The UTC day (YYYY-MM-DD) or month (YYYY-MM) summed. */
  period: string;
  totalBytes: number;
  /** Servers summed, and of them those read from the cache (offline). */
  servers: number;
  fromCache: number;
  /** The oldest measurement among those summed: the sum is as of then at least. */
  oldestMeasuredAtMs: number | null;
}

export interface FleetTotals {
  /** Servers with an agent: the ones that have figures to give. */
  deployed: number;
  today: PeriodTotal;
  month: PeriodTotal;
}

/**
 * Today and this month over the fleet, from each deployed server's summary (live, or the cache's
 * while it is offline). A server counts in a period only when its summary is of that period: a
 * summary cached yesterday says nothing of today, and is left out of today's sum, not added as 0.
 */
export function fleetTotals(summaries: readonly (Cached<TrafficSummaryReport> | undefined)[], nowMs: number): FleetTotals {
  const now = new Date(nowMs).toISOString();
  const today = emptyPeriod(now.slice(0, 10));
  const month = emptyPeriod(now.slice(0, 7));
  for (const summary of summaries) {
    if (!summary) continue;
    if (summary.data.today.date === today.period) add(today, summary, summary.data.today.total_bytes);
    if (summary.data.month.year_month === month.period) add(month, summary, summary.data.month.total_bytes);
  }
  return { deployed: summaries.length, today, month };
}

function emptyPeriod(period: string): PeriodTotal {
  return { period, totalBytes: 0, servers: 0, fromCache: 0, oldestMeasuredAtMs: null };
}

function add(total: PeriodTotal, summary: Cached<TrafficSummaryReport>, bytes: number): void {
  total.totalBytes += bytes;
  total.servers += 1;
  if (summary.source === 'cache') total.fromCache += 1;
  const measured = measuredAtMs(summary);
  if (!Number.isNaN(measured) && (total.oldestMeasuredAtMs === null || measured < total.oldestMeasuredAtMs)) total.oldestMeasuredAtMs = measured;
}
