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
import { parseCommandArgs } from './parse-command-args.ts';
import { positionalCommand } from './positional-command.ts';
import { printCached } from './print-cached.ts';
import { resolveKey } from './resolve-key.ts';
import { UsageError } from './usage-error.ts';

const right = (header: string): Column => ({ header, align: 'right' });

/** The RX, TX and TOTAL columns every traffic table has, and their cells. */
const BYTE_COLUMNS: Column[] = [right('RX'), right('TX'), right('TOTAL')];
const byteCells = (usage: { rx_bytes: number; tx_bytes: number; total_bytes: number }): string[] => [
  formatByteSize(usage.rx_bytes),
  formatByteSize(usage.tx_bytes),
  formatByteSize(usage.total_bytes),
];
const byteWords = (rx: number, tx: number, total: number): string => `rx ${formatByteSize(rx)}, tx ${formatByteSize(tx)}, total ${formatByteSize(total)}`;

/** A key's NAME, PORT and ACTIVE columns, and their cells. */
const KEY_COLUMNS: Column[] = [{ header: 'NAME' }, right('PORT'), { header: 'ACTIVE' }];
const keyCells = (key: { key_name: string; port: number; is_active: boolean }): string[] => [key.key_name, String(key.port), key.is_active ? 'yes' : 'no'];

const live = positionalCommand({ usage: 'traffic live SERVER', json: true }, async (context, positional) => {
  printCached(context, await context.core.traffic.live(positional.server), renderLive);
});

function renderLive(live: LiveTraffic): string {
  const ports = Object.values(live.ports).sort((a, b) => a.port - b.port);
  const table = formatTable(
    [right('PORT'), { header: 'NAME' }, { header: 'ACTIVE' }, right('OPEN NOW'), ...BYTE_COLUMNS, right('RATE')],
    ports.map((entry) => [
      String(entry.port),
      entry.name,
      entry.is_active ? 'yes' : 'no',
      String(entry.connections),
      ...byteCells(entry),
      `${formatByteSize(entry.traffic_rate)}/s`,
    ]),
  );
  const sampledAt = formatUtc(new Date(live.timestamp * 1000).toISOString());
  return `${table}Total: ${formatByteSize(live.total_bytes)}, ${live.total_connections} connections now (sampled ${sampledAt}).\n`;
}

const history = positionalCommand({ usage: 'traffic history SERVER [KEY]', json: true }, async (context, positional) => {
  const { core } = context;
  if (positional.key === undefined) {
    printCached(context, await core.traffic.history(positional.server), renderHistory);
  } else {
    const keyId = await resolveKey(core, positional.server, positional.key);
    printCached(context, await core.traffic.keyHistory(positional.server, keyId), renderKeyHistory);
  }
});

function renderHistory(overview: HistoryOverview): string {
  const table = formatTable(
    [...KEY_COLUMNS, ...BYTE_COLUMNS, right('OPENED'), { header: 'LAST ACTIVITY' }],
    overview.keys.map((key) => [
      ...keyCells(key),
      ...byteCells(key.total_traffic),
      String(key.total_traffic.total_connections),
      key.last_activity === null ? 'never' : formatUtc(key.last_activity),
    ]),
  );
  return `${table}${overview.total_keys} keys (${overview.active_keys} active): ${byteWords(overview.total_rx_bytes, overview.total_tx_bytes, overview.total_traffic_bytes)}.\n`;
}

function renderKeyHistory(report: KeyHistoryReport): string {
  const total = report.total_traffic;
  const lastActivity = report.last_activity === null ? 'never' : formatUtc(report.last_activity);
  return (
    `${report.key_name} (id ${report.key_id}, port ${report.port}): ${byteWords(total.rx_bytes, total.tx_bytes, total.total_bytes)}, ` +
    `${total.total_connections} connections opened; last activity ${lastActivity}.\n` +
    dayTable(report.daily_stats)
  );
}

/**
 * The agent's `sessions` (every TCP connection opened, counted by the firewall) and
 * `max_connections` (the most open together at one sampling cycle): named so that many short
 * connections, opened and closed between two cycles, read as what they are beside "0 at once".
 */
const CONNECTION_COLUMNS: Column[] = [right('OPENED'), right('AT ONCE')];
const connectionCells = (usage: { sessions: number; max_connections: number }): string[] => [String(usage.sessions), String(usage.max_connections)];

/** Days are UTC, as the agent counts them. */
function dayTable(days: KeyHistoryReport['daily_stats']): string {
  return formatTable(
    [{ header: 'DATE (UTC)' }, ...BYTE_COLUMNS, ...CONNECTION_COLUMNS],
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
        const date = positional.date ?? context.now().toISOString().slice(0, 10);
        if (values.keys !== true) {
          printCached(context, await core.traffic.daily(positional.server, date), renderDaily);
          return;
        }
        const [byKey, keys] = await Promise.all([core.traffic.dailyByKey(positional.server, date), core.keys.list(positional.server)]);
        printCached(context, byKey, (report) => renderDailyByKey(report, keys.data));
      },
    };
  },
};

function checkDate(date: string): void {
  if (!isCalendarDate(date)) throw new UsageError(`DATE must be a calendar date, YYYY-MM-DD (got '${date}')`);
}

function renderDaily(report: DailyTrafficReport): string {
  return formatTable(
    // The server's total_connections adds up each key's most at once: no moment had them all.
    [{ header: 'DATE (UTC)' }, ...BYTE_COLUMNS, right('ACTIVE KEYS'), right('OPENED'), right('AT ONCE (SUM)')],
    [[report.date, ...byteCells(report), String(report.active_keys), String(report.total_sessions), String(report.total_connections)]],
  );
}

/** The keys that moved bytes or opened connections that day, busiest first. */
function renderDailyByKey(report: DailyKeysTrafficReport, keys: readonly ApiKey[]): string {
  const byId = new Map(keys.map((key) => [key.id, key]));
  const days = Object.entries(report.keys).sort(([, a], [, b]) => b.total_bytes - a.total_bytes);
  const table = formatTable(
    [{ header: 'NAME' }, right('PORT'), ...BYTE_COLUMNS, ...CONNECTION_COLUMNS],
    days.map(([keyId, day]) => [
      byId.get(keyId)?.name ?? `(deleted key ${keyId})`,
      byId.has(keyId) ? String(byId.get(keyId)!.port) : '-',
      ...byteCells(day),
      ...connectionCells(day),
    ]),
  );
  return `${table}${report.date} (UTC): ${days.length} ${days.length === 1 ? 'key' : 'keys'} moved bytes or opened connections.\n`;
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
        if (values.key === undefined) {
          printCached(context, await core.traffic.monthly(positional.server, month), renderMonthly);
        } else {
          const keyId = await resolveKey(core, positional.server, values.key);
          printCached(context, await core.traffic.keyMonthly(positional.server, keyId, month), renderKeyMonthly);
        }
      },
    };
  },
};

function parseMonth(text: string): YearMonth {
  const month = parseYearMonth(text);
  if (!month) throw new UsageError(`--month must be YYYY-MM, e.g. 2025-08 (got '${text}')`);
  return month;
}

function renderMonthly(report: MonthlyReport): string {
  const table = formatTable(
    [...KEY_COLUMNS, ...BYTE_COLUMNS, ...CONNECTION_COLUMNS],
    report.keys.map((key) => [...keyCells(key), ...byteCells(key.monthly_traffic), ...connectionCells(key.monthly_traffic)]),
  );
  return (
    `${table}${report.year_month}: ${report.total_keys} keys (${report.active_keys} active), ` +
    `${byteWords(report.total_rx_bytes, report.total_tx_bytes, report.total_traffic_bytes)}, ${report.total_sessions} connections opened.\n`
  );
}

function renderKeyMonthly(report: KeyMonthlyReport): string {
  const usage = report.monthly_traffic;
  return (
    `${report.key_name} (id ${report.key_id}, port ${report.port}) in ${report.year_month}: ${byteWords(usage.rx_bytes, usage.tx_bytes, usage.total_bytes)}, ` +
    `${usage.sessions} connections opened, at most ${usage.max_connections} at once.\n` +
    dayTable(report.daily_breakdown)
  );
}

export const trafficCommands: CommandGroup = {
  name: 'traffic',
  commands: [live, history, daily, monthly],
};
