import type {
  DailyKeysTrafficReport,
  DailyTrafficReport,
  HistoryOverview,
  KeyHistoryReport,
  KeyMonthlyReport,
  LiveTraffic,
  MonthlyReport,
  TrafficSummaryReport,
} from '../../../shared/contract/api-types.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { Cached, Traffic, YearMonth } from '../../../shared/contract/services.ts';
import { formatBytes, formatYearMonth as writeYearMonth, isCalendarDate, isYearMonth, utcMonth } from '../../../shared/agent-api.ts';
import type { ServerInfo } from '../../../shared/contract/servers.ts';
import type { DayUsage } from '../cache/cache-records.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import { KEY_SNAPSHOTS } from './key-snapshots.ts';
import { readThrough } from './read-through.ts';
import { findServer } from './server-directory.ts';
import type { ServerSessions } from './server-sessions.ts';

/** Traffic reads; each one mirrored into the cache, with per-key days filed where the answer has them. */
export class TrafficService implements Traffic {
  readonly #cache: ConsoleCache;
  readonly #sessions: ServerSessions;

  constructor(cache: ConsoleCache, sessions: ServerSessions) {
    this.#cache = cache;
    this.#sessions = sessions;
  }

  async live(serverName: string): Promise<Cached<LiveTraffic>> {
    const server = findServer(this.#cache, serverName);
    return readThrough(this.#cache, {
      server,
      snapshot: { kind: 'live', scope: '' },
      fetch: async () => (await (await this.#sessions.client(server)).getLiveTraffic()).data,
    });
  }

  async history(serverName: string): Promise<Cached<HistoryOverview>> {
    const server = findServer(this.#cache, serverName);
    return readThrough(this.#cache, {
      server,
      snapshot: { kind: 'history', scope: '' },
      fetch: async () => (await (await this.#sessions.client(server)).getTrafficHistory()).data,
    });
  }

  async keyHistory(serverName: string, keyId: string): Promise<Cached<KeyHistoryReport>> {
    const server = findServer(this.#cache, serverName);
    return readThrough(this.#cache, {
      server,
      fetch: async () => (await (await this.#sessions.client(server)).getKeyTrafficHistory(keyId)).data,
      // The days are stored once, in key_days; the snapshot keeps the rest. A year of 10,000 keys is
      // then one copy, and offline the key shows every day the cache has, even those the agent dropped.
      mirror: (report, syncedAt) => {
        const { daily_stats: days, ...summary } = report;
        this.#cache.putKeyDays(server.id, keyId, days, syncedAt);
        this.#cache.putSnapshot(server.id, KEY_SNAPSHOTS.historySummary, keyId, summary, syncedAt);
      },
      fallback: () => {
        const summary = this.#cache.getSnapshot<Omit<KeyHistoryReport, 'daily_stats'>>(server.id, KEY_SNAPSHOTS.historySummary, keyId);
        if (!summary) return null;
        const days = Object.fromEntries(this.#cache.keyDays(server.id, keyId).map((day) => [day.date, day.usage]));
        return { data: { ...summary.data, daily_stats: days }, source: 'cache', syncedAt: summary.syncedAt };
      },
    });
  }

  async daily(serverName: string, date: string): Promise<Cached<DailyTrafficReport>> {
    const server = findServer(this.#cache, serverName);
    checkDate(date);
    return readThrough(this.#cache, {
      server,
      snapshot: { kind: 'daily', scope: date },
      fetch: async () => (await (await this.#sessions.client(server)).getDailyTraffic(date)).data,
      fallback: () => this.#dailyFromKeyDays(server, date),
    });
  }

  async dailyByKey(serverName: string, date: string): Promise<Cached<DailyKeysTrafficReport>> {
    const server = findServer(this.#cache, serverName);
    checkDate(date);
    return readThrough(this.#cache, {
      server,
      fetch: async () => (await (await this.#sessions.client(server)).getDailyKeysTraffic(date)).data,
      mirror: (report, syncedAt) => {
        for (const [keyId, usage] of Object.entries(report.keys)) this.#cache.putKeyDays(server.id, keyId, { [date]: usage }, syncedAt);
      },
      fallback: () => {
        if (!server.lastSyncedAt || date > server.lastSyncedAt.slice(0, 10)) return null;
        const keys = Object.fromEntries(this.#cache.dayTotals(server.id, date).map((key) => [key.keyId, key.usage]));
        return { data: { date, keys }, source: 'cache', syncedAt: server.lastSyncedAt };
      },
    });
  }

  async monthly(serverName: string, month?: YearMonth): Promise<Cached<MonthlyReport>> {
    const server = findServer(this.#cache, serverName);
    const yearMonth = formatYearMonth(month);
    return readThrough(this.#cache, {
      server,
      snapshot: { kind: 'monthly', scope: yearMonth },
      fetch: async () => (await (await this.#sessions.client(server)).getMonthlyTraffic(yearMonth)).data,
      mirror: (report, syncedAt) => {
        for (const key of report.keys) this.#cache.putKeyMonth(server.id, key.key_id, yearMonth, key.monthly_traffic, syncedAt);
      },
    });
  }

  async keyMonthly(serverName: string, keyId: string, month?: YearMonth): Promise<Cached<KeyMonthlyReport>> {
    const server = findServer(this.#cache, serverName);
    const yearMonth = formatYearMonth(month);
    return readThrough(this.#cache, {
      server,
      snapshot: { kind: KEY_SNAPSHOTS.monthly, scope: `${keyId}/${yearMonth}` },
      fetch: async () => (await (await this.#sessions.client(server)).getKeyMonthlyTraffic(keyId, yearMonth)).data,
      mirror: (report, syncedAt) => {
        this.#cache.putKeyDays(server.id, keyId, report.daily_breakdown, syncedAt);
        this.#cache.putKeyMonth(server.id, keyId, yearMonth, report.monthly_traffic, syncedAt);
      },
    });
  }

  /**
   * A day never asked for while online, summed from the per-key days the sync cached. A day after
   * the last sync is unknown; one before it without rows moved nothing (the sync fetched every key
   * whose usage changed).
   */
  #dailyFromKeyDays(server: ServerInfo, date: string): Cached<DailyTrafficReport> | null {
    const keys = this.#cache.dayTotals(server.id, date);
    if (!server.lastSyncedAt || date > server.lastSyncedAt.slice(0, 10)) return null;
    const sum = (pick: (usage: DayUsage) => number) => keys.reduce((total, key) => total + pick(key.usage), 0);
    const totalBytes = sum((usage) => usage.total_bytes);
    return {
      data: {
        date,
        total_bytes: totalBytes,
        rx_bytes: sum((usage) => usage.rx_bytes),
        tx_bytes: sum((usage) => usage.tx_bytes),
        total_connections: sum((usage) => usage.max_connections),
        active_keys: keys.filter((key) => key.usage.total_bytes > 0 || key.usage.sessions > 0).length,
        total_sessions: sum((usage) => usage.sessions),
        total_formatted: formatBytes(totalBytes),
      },
      source: 'cache',
      syncedAt: server.lastSyncedAt,
    };
  }

  async summary(serverName: string): Promise<Cached<TrafficSummaryReport>> {
    const server = findServer(this.#cache, serverName);
    return readThrough(this.#cache, {
      server,
      snapshot: { kind: 'summary', scope: '' },
      fetch: async () => (await (await this.#sessions.client(server)).getTrafficSummary()).data,
    });
  }
}

/** The month asked for, or the current one in UTC as the agent counts it. */
function formatYearMonth(month: YearMonth | undefined): string {
  const yearMonth = month === undefined ? utcMonth(Date.now()) : writeYearMonth(month);
  if (!isYearMonth(yearMonth)) throw new KeyportError('bad-input', `${yearMonth} is not a month (YYYY-MM)`);
  return yearMonth;
}

function checkDate(date: string): void {
  if (!isCalendarDate(date)) throw new KeyportError('bad-input', `"${date}" is not a calendar date in YYYY-MM-DD form`);
}
