import { create } from 'zustand';
import type { DailyKeysTrafficReport, DailyTrafficReport, HistoryOverview, KeyHistoryReport, MonthlyReport } from '../../../shared/contract/api-types.ts';
import type { Cached, YearMonth } from '../../../shared/contract/services.ts';
import { services } from '../bridge/services.ts';
import { errorMessage } from '../format/error-message.ts';
import { datesOfMonth, formatYearMonth, shiftMonth } from '../format/utc-dates.ts';
import { keyedEntries, loadEntry } from './keyed-entries.ts';
import { forEachLimited, type Loadable } from './loadable.ts';
import { runOperation } from './operations-store.ts';

/** A server's days of one month: the reports there are, and the days that could not be had. */
export interface ServerDays {
  /** The days asked for: the month's, up to today (UTC). */
  dates: string[];
  reports: Cached<DailyTrafficReport>[];
  missing: string[];
  missingReason: string | null;
}

export interface MonthTotals {
  yearMonth: string;
  rxBytes: number;
  txBytes: number;
  source: 'live' | 'cache' | 'missing';
  syncedAt: string | null;
}

interface TrafficState {
  /** By `server/YYYY-MM`. */
  monthly: Record<string, Loadable<Cached<MonthlyReport>>>;
  days: Record<string, Loadable<ServerDays>>;
  yearOfMonths: Record<string, Loadable<MonthTotals[]>>;
  /** By server id. */
  overview: Record<string, Loadable<Cached<HistoryOverview>>>;
  /** By `server/key`. */
  keyHistory: Record<string, Loadable<Cached<KeyHistoryReport>>>;
  /** One day of every key, by `server/YYYY-MM-DD`: the keys table's "Today". */
  dayByKey: Record<string, Loadable<Cached<DailyKeysTrafficReport>>>;
  loadMonthly(serverId: string, month: YearMonth): Promise<void>;
  loadDays(serverId: string, month: YearMonth): Promise<void>;
  loadYearOfMonths(serverId: string, lastMonth: YearMonth): Promise<void>;
  loadOverview(serverId: string): Promise<void>;
  loadKeyHistory(serverId: string, keyId: string): Promise<void>;
  loadDayByKey(serverId: string, date: string): Promise<void>;
  resetHistory(serverId: string, keyId: string): Promise<boolean>;
}

/** How many daily reads run at once on one server's SSH connection. */
const DAY_READS_AT_ONCE = 6;

export const monthId = (serverId: string, month: YearMonth) => `${serverId}/${formatYearMonth(month)}`;
export const keyHistoryId = (serverId: string, keyId: string) => `${serverId}/${keyId}`;
const dayId = (serverId: string, date: string) => `${serverId}/${date}`;
export const resetHistoryOperation = (keyId: string) => `keys.reset-history:${keyId}`;

export const useTrafficStore = create<TrafficState>()((set, get) => ({
  monthly: {},
  days: {},
  yearOfMonths: {},
  overview: {},
  keyHistory: {},
  dayByKey: {},

  async loadMonthly(serverId, month) {
    await loadEntry(keyedEntries(set, 'monthly'), monthId(serverId, month), () => services.traffic.monthly(serverId, month));
  },

  async loadDays(serverId, month) {
    await loadEntry(
      keyedEntries(set, 'days'),
      monthId(serverId, month),
      async () => {
        const dates = datesOfMonth(month);
        const byDate = new Map<string, Cached<DailyTrafficReport>>();
        const missing: string[] = [];
        let missingReason: string | null = null;
        await forEachLimited(dates, DAY_READS_AT_ONCE, async (date) => {
          try {
            byDate.set(date, await services.traffic.daily(serverId, date));
          } catch (error) {
            missing.push(date);
            missingReason ??= errorMessage(error);
          }
        });
        // Every day failing is the view failing, not a gap in it.
        if (dates.length > 0 && missing.length === dates.length && missingReason) throw new Error(missingReason);
        const reports = dates.flatMap((date) => byDate.get(date) ?? []);
        return { dates, reports, missing: missing.sort(), missingReason };
      },
    );
  },

  async loadYearOfMonths(serverId, lastMonth) {
    await loadEntry(
      keyedEntries(set, 'yearOfMonths'),
      monthId(serverId, lastMonth),
      async () => {
        const months = Array.from({ length: 12 }, (_, index) => shiftMonth(lastMonth, index - 11));
        const totals = new Map<string, MonthTotals>();
        await forEachLimited(months, 2, async (month) => {
          const yearMonth = formatYearMonth(month);
          try {
            const report = await services.traffic.monthly(serverId, month);
            totals.set(yearMonth, {
              yearMonth,
              rxBytes: report.data.total_rx_bytes,
              txBytes: report.data.total_tx_bytes,
              source: report.source,
              syncedAt: report.syncedAt,
            });
          } catch {
            totals.set(yearMonth, { yearMonth, rxBytes: 0, txBytes: 0, source: 'missing', syncedAt: null });
          }
        });
        return months.map((month) => totals.get(formatYearMonth(month)) as MonthTotals);
      },
    );
  },

  async loadOverview(serverId) {
    await loadEntry(keyedEntries(set, 'overview'), serverId, () => services.traffic.history(serverId));
  },

  async loadKeyHistory(serverId, keyId) {
    await loadEntry(keyedEntries(set, 'keyHistory'), keyHistoryId(serverId, keyId), () => services.traffic.keyHistory(serverId, keyId));
  },

  async loadDayByKey(serverId, date) {
    await loadEntry(keyedEntries(set, 'dayByKey'), dayId(serverId, date), () => services.traffic.dailyByKey(serverId, date));
  },

  async resetHistory(serverId, keyId) {
    const reset = await runOperation(resetHistoryOperation(keyId), async () => {
      await services.keys.resetHistory(serverId, keyId);
      return true;
    });
    if (reset) await get().loadKeyHistory(serverId, keyId);
    return reset === true;
  },
}));

export const selectMonthly = (serverId: string, month: YearMonth) => (state: TrafficState) => state.monthly[monthId(serverId, month)];
export const selectDays = (serverId: string, month: YearMonth) => (state: TrafficState) => state.days[monthId(serverId, month)];
export const selectYearOfMonths = (serverId: string, month: YearMonth) => (state: TrafficState) =>
  state.yearOfMonths[monthId(serverId, month)];
export const selectOverview = (serverId: string) => (state: TrafficState) => state.overview[serverId];
export const selectKeyHistory = (serverId: string, keyId: string) => (state: TrafficState) =>
  state.keyHistory[keyHistoryId(serverId, keyId)];
export const selectDayByKey = (serverId: string, date: string) => (state: TrafficState) => state.dayByKey[dayId(serverId, date)];
