import { monthBounds, utcDay, utcMonth } from '../api/calendar.ts';
import type { Sampler } from './sampler.ts';
import type { KeyRecord } from './store/key-store.ts';
import type { TrafficStore } from './store/traffic-store.ts';

export interface PeriodTotals {
  rxBytes: number;
  txBytes: number;
  sessions: number;
}

/** The whole server's traffic at one instant: keys, live, today and this month (UTC), lifetime. */
export interface TrafficSummary {
  keys: { total: number; active: number; disabled: number };
  live: { connections: number; rateBytesPerSec: number };
  today: PeriodTotals & { date: string };
  month: PeriodTotals & { yearMonth: string };
  lifetime: { rxBytes: number; txBytes: number; connections: number };
}

/** Adds up every key's traffic for the server-wide summary. */
export function summarizeTraffic(keys: readonly KeyRecord[], traffic: TrafficStore, sampler: Sampler, nowMs: number): TrafficSummary {
  const date = utcDay(nowMs);
  const yearMonth = utcMonth(nowMs);
  const day = traffic.daySummary(date);
  const { firstDay, lastDay } = monthBounds(yearMonth);
  const month = { rxBytes: 0, txBytes: 0, sessions: 0 };
  for (const usage of traffic.period(firstDay, lastDay).values()) {
    month.rxBytes += usage.rxBytes;
    month.txBytes += usage.txBytes;
    month.sessions += usage.sessions;
  }
  const lifetime = { rxBytes: 0, txBytes: 0, connections: 0 };
  for (const totals of traffic.allTotals().values()) {
    lifetime.rxBytes += totals.totalRxBytes;
    lifetime.txBytes += totals.totalTxBytes;
    lifetime.connections += totals.totalConnections;
  }
  const live = { connections: 0, rateBytesPerSec: 0 };
  for (const key of keys) {
    const now = sampler.live(key.id);
    live.connections += now.connections;
    live.rateBytesPerSec += now.rateBytesPerSec;
  }
  const active = keys.filter((key) => key.isActive).length;
  return {
    keys: { total: keys.length, active, disabled: keys.length - active },
    live,
    today: { date, rxBytes: day.rxBytes, txBytes: day.txBytes, sessions: day.sessions },
    month: { yearMonth, ...month },
    lifetime,
  };
}
