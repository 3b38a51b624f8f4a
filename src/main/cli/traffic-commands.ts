import type {
  ApiKey,
  DailyKeysTrafficReport,
  DailyTrafficReport,
  HistoryOverview,
  KeyHistoryReport,
  KeyMonthlyReport,
  LiveTraffic,
  MonthlyReport,
} from '../../shared/contract/api-types.ts';
import type { YearMonth } from '../../shared/contract/services.ts';
import type { Command, CommandGroup } from './command.ts';
import { isCalendarDate, parseYearMonth } from '../../shared/agent-api.ts';
import { formatByteSize } from '../../shared/format/byte-size.ts';
import { formatTable, type Column } from './format-table.ts';
import { formatUtc } from './format-utc.ts';
import { cliWords, type CliWords } from './i18n/cli-i18n.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { positionalCommand } from './positional-command.ts';
import { printCached } from './print-cached.ts';
import { resolveKey } from './resolve-key.ts';
import { UsageError } from './usage-error.ts';

const right = (header: string): Column => ({ header, align: 'right' });

/** The RX, TX and TOTAL columns every traffic table has, and their cells. */
const byteColumns = (t: CliWords): Column[] => [right(t('traffic.column.rx')), right(t('traffic.column.tx')), right(t('traffic.column.total'))];
const byteCells = (usage: { rx_bytes: number; tx_bytes: number; total_bytes: number }): string[] => [
  formatByteSize(usage.rx_bytes),
  formatByteSize(usage.tx_bytes),
  formatByteSize(usage.total_bytes),
];
const byteWords = (t: CliWords, rx: number, tx: number, total: number): string =>
  t('traffic.bytes', { rx: formatByteSize(rx), tx: formatByteSize(tx), total: formatByteSize(total) });
const yesNo = (t: CliWords, yes: boolean): string => t(yes ? 'common.yes' : 'common.no');

/** A key's NAME, PORT and ACTIVE columns, and their cells. */
const keyColumns = (t: CliWords): Column[] => [{ header: t('traffic.column.name') }, right(t('traffic.column.port')), { header: t('traffic.column.active') }];
const keyCells = (t: CliWords, key: { key_name: string; port: number; is_active: boolean }): string[] => [key.key_name, String(key.port), yesNo(t, key.is_active)];

const live = positionalCommand({ usage: 'traffic live SERVER', json: true }, async (context, positional) => {
  const t = cliWords(context.env);
  printCached(context, await context.core.traffic.live(positional.server), (report) => renderLive(t, report));
});

function renderLive(t: CliWords, live: LiveTraffic): string {
  const ports = Object.values(live.ports).sort((a, b) => a.port - b.port);
  const table = formatTable(
    [
      right(t('traffic.column.port')),
      { header: t('traffic.column.name') },
      { header: t('traffic.column.active') },
      right(t('traffic.column.openNow')),
      ...byteColumns(t),
      right(t('traffic.column.rate')),
    ],
    ports.map((entry) => [
      String(entry.port),
      entry.name,
      yesNo(t, entry.is_active),
      String(entry.connections),
      ...byteCells(entry),
      t('traffic.rate', { size: formatByteSize(entry.traffic_rate) }),
    ]),
  );
  const time = formatUtc(new Date(live.timestamp * 1000).toISOString());
  return `${table}${t('traffic.liveTotal', { total: formatByteSize(live.total_bytes), count: live.total_connections, time })}\n`;
}

const history = positionalCommand({ usage: 'traffic history SERVER [KEY]', json: true }, async (context, positional) => {
  const { core } = context;
  const t = cliWords(context.env);
  if (positional.key === undefined) {
    printCached(context, await core.traffic.history(positional.server), (report) => renderHistory(t, report));
  } else {
    const keyId = await resolveKey(core, positional.server, positional.key);
    printCached(context, await core.traffic.keyHistory(positional.server, keyId), (report) => renderKeyHistory(t, report));
  }
});

function renderHistory(t: CliWords, overview: HistoryOverview): string {
  const table = formatTable(
    [...keyColumns(t), ...byteColumns(t), right(t('traffic.column.opened')), { header: t('traffic.column.lastActivity') }],
    overview.keys.map((key) => [
      ...keyCells(t, key),
      ...byteCells(key.total_traffic),
      String(key.total_traffic.total_connections),
      key.last_activity === null ? t('common.never') : formatUtc(key.last_activity),
    ]),
  );
  const bytes = byteWords(t, overview.total_rx_bytes, overview.total_tx_bytes, overview.total_traffic_bytes);
  return `${table}${t('traffic.historyTotal', { count: overview.total_keys, active: overview.active_keys, bytes })}\n`;
}

function renderKeyHistory(t: CliWords, report: KeyHistoryReport): string {
  const total = report.total_traffic;
  const last = report.last_activity === null ? t('common.never') : formatUtc(report.last_activity);
  const bytes = byteWords(t, total.rx_bytes, total.tx_bytes, total.total_bytes);
  return (
    `${t('traffic.keyHistory', { name: report.key_name, id: report.key_id, port: report.port, bytes, count: total.total_connections, last })}\n` +
    dayTable(t, report.daily_stats)
  );
}

/**
 * The agent's `sessions` (every TCP connection opened, counted by the firewall) and
 * `max_connections` (the most open together at one sampling cycle): named so that many short
 * connections, opened and closed between two cycles, read as what they are beside "0 at once".
 */
const connectionColumns = (t: CliWords): Column[] => [right(t('traffic.column.opened')), right(t('traffic.column.atOnce'))];
const connectionCells = (usage: { sessions: number; max_connections: number }): string[] => [String(usage.sessions), String(usage.max_connections)];

/** Days are UTC, as the agent counts them. */
function dayTable(t: CliWords, days: KeyHistoryReport['daily_stats']): string {
  return formatTable(
    [{ header: t('traffic.column.date') }, ...byteColumns(t), ...connectionColumns(t)],
    Object.entries(days)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([date, day]) => [date, ...byteCells(day), ...connectionCells(day)]),
  );
}

const daily: Command = {
  name: 'daily',
  usage: 'traffic daily SERVER [DATE] [--keys]',
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(args, { keys: { type: 'boolean' } }, ['server'], ['date']);
    if (positional.date !== undefined) checkDate(positional.date);
    return {
      async run(context) {
        const { core } = context;
        const t = cliWords(context.env);
        const date = positional.date ?? context.now().toISOString().slice(0, 10);
        if (values.keys !== true) {
          printCached(context, await core.traffic.daily(positional.server, date), (report) => renderDaily(t, report));
          return;
        }
        const [byKey, keys] = await Promise.all([core.traffic.dailyByKey(positional.server, date), core.keys.list(positional.server)]);
        printCached(context, byKey, (report) => renderDailyByKey(t, report, keys.data));
      },
    };
  },
};

function checkDate(date: string): void {
  if (!isCalendarDate(date)) throw new UsageError((t) => t('usageError.date', { text: date }));
}

function renderDaily(t: CliWords, report: DailyTrafficReport): string {
  return formatTable(
    // The server's total_connections adds up each key's most at once: no moment had them all.
    [
      { header: t('traffic.column.date') },
      ...byteColumns(t),
      right(t('traffic.column.activeKeys')),
      right(t('traffic.column.opened')),
      right(t('traffic.column.atOnceSum')),
    ],
    [[report.date, ...byteCells(report), String(report.active_keys), String(report.total_sessions), String(report.total_connections)]],
  );
}

/** The keys that moved bytes or opened connections that day, busiest first. */
function renderDailyByKey(t: CliWords, report: DailyKeysTrafficReport, keys: readonly ApiKey[]): string {
  const byId = new Map(keys.map((key) => [key.id, key]));
  const days = Object.entries(report.keys).sort(([, a], [, b]) => b.total_bytes - a.total_bytes);
  const table = formatTable(
    [{ header: t('traffic.column.name') }, right(t('traffic.column.port')), ...byteColumns(t), ...connectionColumns(t)],
    days.map(([keyId, day]) => [
      byId.get(keyId)?.name ?? t('traffic.deletedKey', { id: keyId }),
      byId.has(keyId) ? String(byId.get(keyId)!.port) : '-',
      ...byteCells(day),
      ...connectionCells(day),
    ]),
  );
  return `${table}${t('traffic.dailyByKey', { date: report.date, count: days.length })}\n`;
}

const monthly: Command = {
  name: 'monthly',
  usage: 'traffic monthly SERVER [--month YYYY-MM] [--key KEY]',
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(args, { month: { type: 'string' }, key: { type: 'string' } }, ['server']);
    const month = values.month === undefined ? undefined : parseMonth(values.month);
    return {
      async run(context) {
        const { core } = context;
        const t = cliWords(context.env);
        if (values.key === undefined) {
          printCached(context, await core.traffic.monthly(positional.server, month), (report) => renderMonthly(t, report));
        } else {
          const keyId = await resolveKey(core, positional.server, values.key);
          printCached(context, await core.traffic.keyMonthly(positional.server, keyId, month), (report) => renderKeyMonthly(t, report));
        }
      },
    };
  },
};

function parseMonth(text: string): YearMonth {
  const month = parseYearMonth(text);
  if (!month) throw new UsageError((t) => t('usageError.month', { text }));
  return month;
}

function renderMonthly(t: CliWords, report: MonthlyReport): string {
  const table = formatTable(
    [...keyColumns(t), ...byteColumns(t), ...connectionColumns(t)],
    report.keys.map((key) => [...keyCells(t, key), ...byteCells(key.monthly_traffic), ...connectionCells(key.monthly_traffic)]),
  );
  const total = t('traffic.monthlyTotal', {
    month: report.year_month,
    keys: t('traffic.monthlyKeys', { count: report.total_keys }),
    active: report.active_keys,
    bytes: byteWords(t, report.total_rx_bytes, report.total_tx_bytes, report.total_traffic_bytes),
    count: report.total_sessions,
  });
  return `${table}${total}\n`;
}

function renderKeyMonthly(t: CliWords, report: KeyMonthlyReport): string {
  const usage = report.monthly_traffic;
  const line = t('traffic.keyMonthly', {
    name: report.key_name,
    id: report.key_id,
    port: report.port,
    month: report.year_month,
    bytes: byteWords(t, usage.rx_bytes, usage.tx_bytes, usage.total_bytes),
    count: usage.sessions,
    atOnce: usage.max_connections,
  });
  return `${line}\n${dayTable(t, report.daily_breakdown)}`;
}

export const trafficCommands: CommandGroup = {
  name: 'traffic',
  commands: [live, history, daily, monthly],
};
