import type { FastifyPluginAsync } from 'fastify';
import type { AgentContext } from '../../agent-context.ts';
import { monthBounds, utcMonth } from '../../api/calendar.ts';
import { formatBytes } from '../../api/format-bytes.ts';
import { getKeyMonthlyTraffic, getMonthlyTraffic } from '../../api/monthly.ts';
import { route } from '../../http/route.ts';
import { keyIdentityJson } from '../../presenters/key-json.ts';
import { envelope, fleetTotalsJson, usageJson } from '../../presenters/traffic-json.ts';
import type { PeriodUsage } from '../../services/store/traffic-store.ts';

const NO_USAGE: PeriodUsage = { rxBytes: 0, txBytes: 0, maxConnections: 0, sessions: 0 };

const formattedUsage = (usage: PeriodUsage) => ({
  ...usageJson(usage),
  total_formatted: formatBytes(usage.rxBytes + usage.txBytes),
  rx_formatted: formatBytes(usage.rxBytes),
  tx_formatted: formatBytes(usage.txBytes),
});

/** Months are sums of UTC days: bytes and sessions add up, max_connections is the month's peak. */
export const monthlyRoutes: FastifyPluginAsync<{ ctx: AgentContext }> = async (app, { ctx }) => {
  const monthOf = (yearMonth: string | undefined) => yearMonth ?? utcMonth(ctx.now());

  route(app, getMonthlyTraffic, (request) => {
    const yearMonth = monthOf(request.query.year_month);
    const { firstDay, lastDay } = monthBounds(yearMonth);
    const usage = ctx.traffic.period(firstDay, lastDay);
    const totals = ctx.traffic.allTotals();
    const keys = ctx.keys.list();
    let rx = 0;
    let tx = 0;
    let connections = 0;
    let sessions = 0;
    const entries = keys.map((key) => {
      const month = usage.get(key.id) ?? NO_USAGE;
      rx += month.rxBytes;
      tx += month.txBytes;
      connections += month.maxConnections;
      sessions += month.sessions;
      return {
        ...keyIdentityJson(key, totals.get(key.id)?.lastActivityMs ?? null),
        monthly_traffic: formattedUsage(month),
      };
    });
    return envelope(
      {
        year_month: yearMonth,
        total_keys: keys.length,
        active_keys: keys.filter((key) => key.isActive).length,
        total_connections: connections,
        total_sessions: sessions,
        keys: entries,
        ...fleetTotalsJson(rx, tx),
      },
      ctx.now(),
    );
  });

  route(app, getKeyMonthlyTraffic, (request) => {
    const key = ctx.keys.get(request.params.key_id);
    const yearMonth = monthOf(request.query.year_month);
    const { firstDay, lastDay } = monthBounds(yearMonth);
    const days = ctx.traffic.days(key.id, firstDay, lastDay);
    return envelope(
      {
        ...keyIdentityJson(key, ctx.traffic.totals(key.id).lastActivityMs),
        year_month: yearMonth,
        monthly_traffic: formattedUsage(ctx.traffic.keyPeriod(key.id, firstDay, lastDay) ?? NO_USAGE),
        daily_breakdown: Object.fromEntries(days.map((day) => [day.day, usageJson(day)])),
      },
      ctx.now(),
    );
  });
};
