import type * as Api from '../../../shared/contract/api-types.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { Cached, Traffic, YearMonth } from '../../../shared/contract/services.ts';
import { formatBytes, formatYearMonth as writeYearMonth, isCalendarDate, isYearMonth, utcMonth } from '../../../shared/agent-api.ts';
import type { ServerInfo } from '../../../shared/contract/servers.ts';
import type { getTrafficDays, ResponseOf } from '../../../../remote-agent/src/api/index.ts';
import type { DayUsage } from '../cache/cache-records.ts';
import type { DayRow } from '../cache/console-cache.ts';
import { SNAPSHOTS } from '../cache/snapshot-kinds.ts';
import { dataOf } from './server-calls.ts';
import { ServerService } from './server-service.ts';

/** Rows per page of the bulk read: a few MB of JSON, 10 pages for a year of 10,000 keys used one day in four. */
const DAY_ROWS_PER_PAGE = 100_000;
/** Rows written in one transaction: about 50 ms of the event loop here, short enough for the next page to keep coming. */
const ROWS_PER_WRITE = 10_000;
/** More pages than 100 million rows would take: a cursor that never ends is the agent's fault, not a reason to loop. */
const MAX_DAY_PAGES = 1_000;

type DaysPage = ResponseOf<typeof getTrafficDays>;

/** Traffic reads; each one mirrored into the cache, with per-key days filed where the answer has them. */
export class TrafficService extends ServerService implements Traffic {
  /**
   * Files every key's daily rows from `since` on (every day the agent holds when undefined) into
   * the cache, page by page of GET /api/traffic/days, each page in one transaction; the next page
   * is on its way while one is written. Answers the agent's UTC day when the read began (what a
   * later read may start from), or null when the agent predates the bulk read.
   */
  syncDays(serverName: string, since: string | undefined): Promise<string | null> {
    return this.calls.check(serverName, async (client, server) => {
      const fetchPage = (after: string | undefined) => client.getTrafficDays(since, after, DAY_ROWS_PER_PAGE);
      let page: DaysPage;
      try {
        page = await fetchPage(undefined);
      } catch (error) {
        // The endpoint has no path parameter, so a 404 can only mean an agent without it.
        if (error instanceof KeyportError && error.code === 'not-found') return null;
        throw error;
      }
      const agentDay = page.timestamp.slice(0, 10);
      const releaseCheckpoints = this.cache.holdCheckpoints();
      try {
        await this.#fileDayPages(server.id, page, fetchPage);
        return agentDay;
      } finally {
        releaseCheckpoints();
      }
    });
  }

  /** Files `first` and the pages after it; the next page is on its way while one is written. */
  async #fileDayPages(serverId: string, first: DaysPage, fetchPage: (after: string) => Promise<DaysPage>): Promise<void> {
    let page = first;
    for (let pages = 1; ; pages += 1) {
      const { keys, next } = page.data;
      const following = next === null ? undefined : fetchPage(next);
      // Settled later; a failed write must not leave its rejection unhandled.
      following?.catch(() => undefined);
      const syncedAt = new Date().toISOString();
      // In slices with a turn of the event loop between, so the next page streams in meanwhile.
      for (const slice of slicesOf(keys.map((key) => ({ keyId: key.key_id, days: key.days })), ROWS_PER_WRITE)) {
        this.cache.batch(() => {
          this.cache.putDayRows(serverId, slice, syncedAt);
          this.cache.markSynced(serverId, syncedAt);
        });
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (!following) return;
      if (pages >= MAX_DAY_PAGES) throw new KeyportError('agent-error', `the agent's daily rows did not end within ${MAX_DAY_PAGES} pages`);
      page = await following;
    }
  }

  live(serverName: string): Promise<Cached<Api.LiveTraffic>> {
    return this.calls.read(serverName, () => ({ snapshot: SNAPSHOTS.live, fetch: (client) => client.getLiveTraffic().then(dataOf) }));
  }

  history(serverName: string): Promise<Cached<Api.HistoryOverview>> {
    return this.calls.read(serverName, () => ({ snapshot: SNAPSHOTS.history, fetch: (client) => client.getTrafficHistory().then(dataOf) }));
  }

  keyHistory(serverName: string, keyId: string): Promise<Cached<Api.KeyHistoryReport>> {
    return this.calls.read(serverName, (server) => {
      const summaryAt = SNAPSHOTS.keyHistorySummary(keyId);
      return {
        fetch: (client) => client.getKeyTrafficHistory(keyId).then(dataOf),
        // The days are stored once, in key_days; the snapshot keeps the rest. A year of 10,000 keys is
        // then one copy, and offline the key shows every day the cache has, even those the agent dropped.
        mirror: (report, syncedAt) => {
          const { daily_stats: days, ...summary } = report;
          this.cache.putKeyDays(server.id, keyId, days, syncedAt);
          this.cache.putSnapshot(server.id, ...summaryAt, summary, syncedAt);
        },
        fallback: () => {
          const summary = this.cache.getSnapshot(server.id, ...summaryAt);
          if (!summary) return null;
          const days = Object.fromEntries(this.cache.keyDays(server.id, keyId).map((day) => [day.date, day.usage]));
          return { data: { ...summary.data, daily_stats: days }, source: 'cache', syncedAt: summary.syncedAt };
        },
      };
    });
  }

  daily(serverName: string, date: string): Promise<Cached<Api.DailyTrafficReport>> {
    return this.calls.read(serverName, (server) => {
      checkDate(date);
      return {
        snapshot: SNAPSHOTS.daily(date),
        fetch: (client) => client.getDailyTraffic(date).then(dataOf),
        fallback: () => this.#dailyFromKeyDays(server, date),
      };
    });
  }

  dailyByKey(serverName: string, date: string): Promise<Cached<Api.DailyKeysTrafficReport>> {
    return this.calls.read(serverName, (server) => {
      checkDate(date);
      return {
        fetch: (client) => client.getDailyKeysTraffic(date).then(dataOf),
        mirror: (report, syncedAt) => {
          for (const [keyId, usage] of Object.entries(report.keys)) this.cache.putKeyDays(server.id, keyId, { [date]: usage }, syncedAt);
        },
        fallback: () => {
          if (!server.lastSyncedAt || date > server.lastSyncedAt.slice(0, 10)) return null;
          const keys = Object.fromEntries(this.cache.dayTotals(server.id, date).map((key) => [key.keyId, key.usage]));
          return { data: { date, keys }, source: 'cache', syncedAt: server.lastSyncedAt };
        },
      };
    });
  }

  monthly(serverName: string, month?: YearMonth): Promise<Cached<Api.MonthlyReport>> {
    return this.calls.read(serverName, (server) => {
      const yearMonth = formatYearMonth(month);
      return {
        snapshot: SNAPSHOTS.monthly(yearMonth),
        fetch: (client) => client.getMonthlyTraffic(yearMonth).then(dataOf),
        mirror: (report, syncedAt) => {
          this.cache.putKeyMonths(server.id, yearMonth, report.keys.map((key) => ({ keyId: key.key_id, usage: key.monthly_traffic })), syncedAt);
        },
      };
    });
  }

  keyMonthly(serverName: string, keyId: string, month?: YearMonth): Promise<Cached<Api.KeyMonthlyReport>> {
    return this.calls.read(serverName, (server) => {
      const yearMonth = formatYearMonth(month);
      return {
        snapshot: SNAPSHOTS.keyMonthly(keyId, yearMonth),
        fetch: (client) => client.getKeyMonthlyTraffic(keyId, yearMonth).then(dataOf),
        mirror: (report, syncedAt) => {
          this.cache.putKeyDays(server.id, keyId, report.daily_breakdown, syncedAt);
          this.cache.putKeyMonth(server.id, keyId, yearMonth, report.monthly_traffic, syncedAt);
        },
      };
    });
  }

  summary(serverName: string): Promise<Cached<Api.TrafficSummaryReport>> {
    return this.calls.read(serverName, () => ({ snapshot: SNAPSHOTS.summary, fetch: (client) => client.getTrafficSummary().then(dataOf) }));
  }

  /**
   * A day never asked for while online, summed from the per-key days the sync cached. A day after
   * the last sync is unknown; one before it without rows moved nothing (the sync fetched every key
   * whose usage changed).
   */
  #dailyFromKeyDays(server: ServerInfo, date: string): Cached<Api.DailyTrafficReport> | null {
    const keys = this.cache.dayTotals(server.id, date);
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
}

/** Keys' days cut into runs of about `rows` rows each (a key's days may be split across two). */
function* slicesOf(keys: readonly { keyId: string; days: readonly DayRow[] }[], rows: number): Generator<{ keyId: string; days: readonly DayRow[] }[]> {
  let slice: { keyId: string; days: readonly DayRow[] }[] = [];
  let count = 0;
  for (const { keyId, days } of keys) {
    for (let start = 0; start < days.length; ) {
      const taken = days.slice(start, start + rows - count);
      slice.push({ keyId, days: taken });
      count += taken.length;
      start += taken.length;
      if (count >= rows) {
        yield slice;
        slice = [];
        count = 0;
      }
    }
  }
  if (slice.length > 0) yield slice;
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
