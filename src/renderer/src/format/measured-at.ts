import type { TrafficSummaryReport } from '../../../shared/contract/api-types.ts';
import type { Cached } from '../../../shared/contract/services.ts';
import { parseTimestamp } from './format-time.ts';

/**
 * When a summary's today and this month were measured: the agent's last sampling cycle (its
 * figures are sums of the cycles so far), else when the console read them.
 */
export function measuredAt(summary: Cached<TrafficSummaryReport>): string {
  return summary.data.sampler.last_cycle?.at ?? summary.syncedAt;
}

export function measuredAtMs(summary: Cached<TrafficSummaryReport>): number {
  return parseTimestamp(measuredAt(summary)).getTime();
}
