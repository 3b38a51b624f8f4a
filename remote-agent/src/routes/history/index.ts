import type { FastifyPluginAsync } from 'fastify';
import type { AgentContext } from '../../agent-context.ts';
import { isCalendarDate, utcDay } from '../../api/calendar.ts';
import { formatBytes } from '../../api/format-bytes.ts';
import {
  cleanupTrafficHistory,
  getDailyKeysTraffic,
  getDailyTraffic,
  getKeyTrafficHistory,
  getTrafficDays,
  getTrafficHistory,
  resetKeyTrafficHistory,
} from '../../api/history.ts';
import { rawJson } from '../../http/raw-json.ts';
import { route } from '../../http/route.ts';
import { badRequest } from '../../lib/http-error.ts';
import { formatTimestamp } from '../../lib/timestamps.ts';
import { keyIdentityJson } from '../../presenters/key-json.ts';
import { bytesJson, envelope, fleetTotalsJson, keyResetJson, usageJson } from '../../presenters/traffic-json.ts';
import type { KeyRecord } from '../../services/store/key-store.ts';
import { type DayRowTuple, EMPTY_TOTALS, type KeyTotals } from '../../services/store/traffic-store.ts';
import { readDaysCursor, writeDaysCursor } from './days-cursor.ts';

const DAY_MS = 86_400_000;

/** History: lifetime totals per key, per-day rows, a day across keys, resets and cleanup. */
export const historyRoutes: FastifyPluginAsync<{ ctx: AgentContext }> = async (app, { ctx }) => {
  const summary = (key: KeyRecord, totals: KeyTotals) => {
    const { total_bytes, rx_bytes, tx_bytes, total_formatted, rx_formatted, tx_formatted } = bytesJson(
      totals.totalRxBytes,
      totals.totalTxBytes,
    );
    return {
      ...keyIdentityJson(key, totals.lastActivityMs),
      total_traffic: {
        total_bytes,
        rx_bytes,
        tx_bytes,
        total_connections: totals.totalConnections,
        total_formatted,
        rx_formatted,
        tx_formatted,
      },
    };
  };

  route(app, getTrafficHistory, () => {
    const totals = ctx.traffic.allTotals();
    const keys = ctx.keys.list();
    const entries = keys.map((key) => summary(key, totals.get(key.id) ?? EMPTY_TOTALS));
    const rx = entries.reduce((sum, entry) => sum + entry.total_traffic.rx_bytes, 0);
    const tx = entries.reduce((sum, entry) => sum + entry.total_traffic.tx_bytes, 0);
    return envelope(
      {
        total_keys: keys.length,
        active_keys: keys.filter((key) => key.isActive).length,
        keys: entries,
        ...fleetTotalsJson(rx, tx),
      },
      ctx.now(),
    );
  });

  route(app, getKeyTrafficHistory, (request) => {
    const key = ctx.keys.get(request.params.key_id);
    const dailyStats = Object.fromEntries(ctx.traffic.days(key.id).map((day) => [day.day, usageJson(day)]));
    return envelope({ ...summary(key, ctx.traffic.totals(key.id)), daily_stats: dailyStats }, ctx.now());
  });

  route(app, getDailyTraffic, (request) => {
    const { date } = request.params;
    if (!isCalendarDate(date)) throw badRequest(`date ${date} is not a calendar date (YYYY-MM-DD)`);
    const day = ctx.traffic.daySummary(date);
    return envelope(
      {
        date,
        total_bytes: day.rxBytes + day.txBytes,
        rx_bytes: day.rxBytes,
        tx_bytes: day.txBytes,
        total_connections: day.totalConnections,
        active_keys: day.activeKeys,
        total_sessions: day.sessions,
        total_formatted: formatBytes(day.rxBytes + day.txBytes),
      },
      ctx.now(),
    );
  });

  route(app, getDailyKeysTraffic, (request) => {
    const { date } = request.params;
    if (!isCalendarDate(date)) throw badRequest(`date ${date} is not a calendar date (YYYY-MM-DD)`);
    const keys = Object.fromEntries([...ctx.traffic.period(date, date)].map(([keyId, usage]) => [keyId, usageJson(usage)]));
    return envelope({ date, keys }, ctx.now());
  });

  route(app, getTrafficDays, (request) => {
    const { since, after, limit } = request.query;
    if (since !== undefined && !isCalendarDate(since)) {
      throw badRequest(`since ${since} is not a calendar date (YYYY-MM-DD)`, { reason: 'bad_since' });
    }
    const cursor = after === undefined ? null : readDaysCursor(after);
    if (after !== undefined && cursor === null) {
      throw badRequest('after is not a cursor this agent gave: pass the next of the page before, as it was', { reason: 'bad_cursor' });
    }
    const page = ctx.traffic.daysSince(since ?? '0000-00-00', cursor, limit);
    return envelope(
      {
        since: since ?? null,
        rows: page.rows,
        keys: page.keys.map((key) => ({ key_id: key.keyId, days: rawJson<DayRowTuple[]>(key.daysJson) })),
        next: page.last && writeDaysCursor(page.last),
      },
      ctx.now(),
    );
  });

  route(app, resetKeyTrafficHistory, (request) => {
    const key = ctx.keys.get(request.params.key_id);
    ctx.traffic.resetHistory(key.id);
    ctx.sampler.forgetKey(key.id);
    return keyResetJson('Traffic history reset successfully', key.id, ctx.now());
  });

  route(app, cleanupTrafficHistory, (request) => {
    const daysToKeep = request.query.days_to_keep;
    const nowMs = ctx.now();
    const firstKeptDay = utcDay(nowMs - (daysToKeep - 1) * DAY_MS);
    const deleted = ctx.traffic.cleanup(firstKeptDay, nowMs - daysToKeep * DAY_MS);
    return {
      status: 'success' as const,
      message: `Cleaned up traffic history older than ${daysToKeep} days`,
      days_kept: daysToKeep,
      deleted_daily_rows: deleted.days,
      deleted_samples: deleted.samples,
      timestamp: formatTimestamp(nowMs),
    };
  });
};
