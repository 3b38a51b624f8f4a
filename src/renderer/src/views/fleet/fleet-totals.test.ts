import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrafficSummaryReport } from '../../../../shared/contract/api-types.ts';
import type { Cached } from '../../../../shared/contract/services.ts';
import { fleetTotals } from './fleet-totals.ts';

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

function summary(source: 'live' | 'cache', date: string, todayBytes: number, monthBytes: number, sampledAt: string | null): Cached<TrafficSummaryReport> {
  const period = { rx_bytes: 0, tx_bytes: 0, total_formatted: '', sessions: 0 };
  return {
    source,
    syncedAt: '2026-12-03T11:59:00.000Z',
    data: {
      today: { date, ...period, total_bytes: todayBytes },
      month: { year_month: date.slice(0, 7), ...period, total_bytes: monthBytes },
      sampler: { running: true, interval_seconds: 10, last_cycle: sampledAt === null ? null : { at: sampledAt, duration_ms: 1, ok: true, error: null, keys: 1, keys_with_traffic: 1 } },
    } as unknown as TrafficSummaryReport,
  };
}

test('today and this month add up over the servers, as of the oldest of their last samples', () => {
  const totals = fleetTotals(
    [summary('live', '2026-12-03', 100, 1000, '2026-12-03T11:59:50.000000'), summary('cache', '2026-12-03', 20, 300, '2026-12-03T09:30:00.000000')],
    NOW,
  );
  assert.deepEqual(totals.today, { period: '2026-12-03', totalBytes: 120, servers: 2, fromCache: 1, oldestMeasuredAtMs: Date.UTC(2026, 11, 3, 9, 30) });
  assert.deepEqual(totals.month, { period: '2026-12', totalBytes: 1300, servers: 2, fromCache: 1, oldestMeasuredAtMs: Date.UTC(2026, 11, 3, 9, 30) });
  assert.equal(totals.deployed, 2);
});

test('a summary cached on another day is left out of today (not counted as 0), and of another month out of this month', () => {
  const totals = fleetTotals(
    [summary('live', '2026-12-03', 100, 1000, '2026-12-03T11:59:50.000000'), summary('cache', '2026-12-01', 50, 400, null), summary('cache', '2026-11-30', 7, 9, null), undefined],
    NOW,
  );
  assert.deepEqual([totals.today.totalBytes, totals.today.servers, totals.today.fromCache], [100, 1, 0]);
  assert.deepEqual([totals.month.totalBytes, totals.month.servers, totals.month.fromCache], [1400, 2, 1]);
  assert.equal(totals.month.oldestMeasuredAtMs, Date.parse('2026-12-03T11:59:00.000Z'), 'no sample known: when the console read it');
  assert.equal(totals.deployed, 4, 'a server not heard from is still one of the fleet');
});

test('a fleet with no figures yet sums to nothing measured', () => {
  const totals = fleetTotals([], NOW);
  assert.deepEqual(totals.today, { period: '2026-12-03', totalBytes: 0, servers: 0, fromCache: 0, oldestMeasuredAtMs: null });
});
