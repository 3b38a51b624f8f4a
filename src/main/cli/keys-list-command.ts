import { KEY_STATUSES, type KeyStatus } from '../../shared/agent-api.ts';
import type { ApiKey } from '../../shared/contract/api-types.ts';
import { expiresAtMs, expiresWithin, keyStatusAt, quotaShare } from '../../shared/key-limits/key-limit-status.ts';
import type { Command } from './command.ts';
import { formatTable } from './format-table.ts';
import { formatUtc } from './format-utc.ts';
import { cliWords, type CliWords } from './i18n/cli-i18n.ts';
import { expiryWords, noteColumn, resetWord, statusWord, usageWords } from './key-limit-words.ts';
import { parseCommandArgs } from './parse-command-args.ts';
import { printCached } from './print-cached.ts';
import { UsageError } from './usage-error.ts';

const SORTS = ['name', 'port', 'status', 'usage', 'expires', 'created'] as const;
type Sort = (typeof SORTS)[number];
const HOURS = { h: 1, d: 24, w: 24 * 7 } as const;

export const keysListCommand: Command = {
  name: 'list',
  usage: 'keys list SERVER [--status STATUS[,...]] [--expiring 7d] [--over 80%] [--sort COLUMN]',
  json: true,
  parse(args) {
    const { values, positional } = parseCommandArgs(
      args,
      { status: { type: 'string' }, expiring: { type: 'string' }, over: { type: 'string' }, sort: { type: 'string' } },
      ['server'],
    );
    const filters: ((key: ApiKey, nowMs: number) => boolean)[] = [];
    if (values.status !== undefined) {
      const statuses = parseStatuses(values.status);
      filters.push((key, nowMs) => statuses.has(keyStatusAt(key, nowMs)));
    }
    if (values.expiring !== undefined) {
      const days = parseWithin(values.expiring);
      filters.push((key, nowMs) => expiresWithin(key, nowMs, days));
    }
    if (values.over !== undefined) {
      const share = parseShare(values.over);
      filters.push((key) => (quotaShare(key) ?? -1) >= share);
    }
    const sort = values.sort === undefined ? undefined : parseSort(values.sort);
    const filtered = filters.length > 0;
    return {
      async run(context) {
        const cached = await context.core.keys.list(positional.server);
        const nowMs = context.now().getTime();
        const kept = cached.data.filter((key) => filters.every((filter) => filter(key, nowMs)));
        const keys = sort === undefined ? kept : sortKeys(kept, sort, nowMs);
        const t = cliWords(context.env);
        printCached(context, { ...cached, data: keys }, (data) => {
          if (data.length > 0) return keyTable(t, data, context.now());
          return `${t(filtered ? 'keys.noneMatch' : 'keys.noneYet', { server: positional.server })}\n`;
        });
      },
    };
  },
};

function keyTable(t: CliWords, keys: ApiKey[], now: Date): string {
  return formatTable(
    [
      { header: t('keys.column.id') },
      { header: t('keys.column.name') },
      { header: t('keys.column.port'), align: 'right' },
      { header: t('keys.column.status') },
      { header: t('keys.column.usage') },
      { header: t('keys.column.reset') },
      { header: t('keys.column.expires') },
      { header: t('keys.column.created') },
      { header: t('keys.column.note') },
    ],
    keys.map((key) => [
      key.id,
      key.name,
      String(key.port),
      statusWord(t, key, now),
      usageWords(t, key),
      resetWord(t, key),
      expiryWords(t, key, now),
      formatUtc(key.created_at),
      noteColumn(key.note),
    ]),
  );
}

function parseStatuses(text: string): Set<KeyStatus> {
  const names = text.split(',').map((name) => name.trim().toLowerCase());
  const unknown = names.find((name) => !(KEY_STATUSES as readonly string[]).includes(name));
  if (unknown !== undefined) throw new UsageError((t) => t('usageError.status', { statuses: KEY_STATUSES.join(', '), text: unknown }));
  return new Set(names as KeyStatus[]);
}

/** `7d`, `2w`, `12h` or a bare number of days, as days. */
function parseWithin(text: string): number {
  const match = /^(\d{1,5})\s*([dwh]?)$/i.exec(text.trim());
  if (!match) throw new UsageError((t) => t('usageError.expiring', { text }));
  return (Number(match[1]) * HOURS[(match[2]!.toLowerCase() || 'd') as keyof typeof HOURS]) / 24;
}

/** `80%` or `80`, as a share of the quota. */
function parseShare(text: string): number {
  const match = /^(\d{1,4}(?:\.\d+)?)\s*%?$/.exec(text.trim());
  if (!match) throw new UsageError((t) => t('usageError.over', { text }));
  return Number(match[1]) / 100;
}

function parseSort(text: string): Sort {
  if (!(SORTS as readonly string[]).includes(text)) throw new UsageError((t) => t('usageError.sort', { sorts: SORTS.join(', '), text }));
  return text as Sort;
}

/**
 * Names A-Z, ports up, statuses in the API's order, the most used share of a quota first, the
 * soonest expiry first, the oldest first; keys without a quota or an expiry last. Ties keep the
 * server's order.
 */
function sortKeys(keys: ApiKey[], sort: Sort, nowMs: number): ApiKey[] {
  const last = Number.POSITIVE_INFINITY;
  const measure: Record<Exclude<Sort, 'name'>, (key: ApiKey) => number> = {
    port: (key) => key.port,
    status: (key) => KEY_STATUSES.indexOf(keyStatusAt(key, nowMs)),
    usage: (key) => -(quotaShare(key) ?? -last),
    expires: (key) => expiresAtMs(key) ?? last,
    created: (key) => Date.parse(`${key.created_at}Z`),
  };
  if (sort === 'name') return [...keys].sort((a, b) => a.name.localeCompare(b.name));
  const of = measure[sort];
  return [...keys].sort((a, b) => {
    const x = of(a);
    const y = of(b);
    return x === y ? 0 : x < y ? -1 : 1;
  });
}
