import type { KeyStatus } from '../../../../shared/agent-api.ts';
import type { ApiKey } from '../../../../shared/contract/api-types.ts';
import type { Person } from '../../../../shared/contract/people.ts';
import { expiresAtMs, keyStatusAt, timeDistance } from '../../../../shared/key-limits/key-limit-status.ts';
import { formatBytes } from '../../format/format-bytes.ts';
import { expiryWords, keyStatusLabel } from '../../format/key-limit-words.ts';
import { t } from '../../i18n/i18n.ts';

/** One person as the People table shows them. */
export interface PersonRow {
  uuid: string;
  name: string;
  /** Each server with its key's status when that is not active, and whether it came from the cache. */
  servers: { name: string; status: KeyStatus; cached: boolean }[];
  usedWords: string;
  monthWords: string;
  /** Their keys' status as one: every key's when they agree, else `mixed`. */
  status: KeyStatus | 'mixed';
  /** "Active", "Limited", or where each key that does not work stands: "Limited on oslo; disabled on paris". */
  statusWords: string;
  /** Their quota and expiry when every key has the same: "5.00 GB a month, expires in 3 days"; else "differs by server". */
  limitWords: string;
  subscriptionUrl: string | null;
}

/** "5.00 GB a month", "1.00 TB" (never resets), "no quota". */
export function quotaWords(key: Pick<ApiKey, 'data_limit_bytes' | 'data_limit_reset'>): string {
  if (key.data_limit_bytes === null) return t('common.noQuota');
  const size = formatBytes(key.data_limit_bytes);
  return key.data_limit_reset === 'no_reset' ? size : t(`people.period.${key.data_limit_reset}`, { size });
}

function limitWords(keys: readonly ApiKey[], nowMs: number): string {
  const shapes = new Set(keys.map((key) => `${key.data_limit_bytes}/${key.data_limit_reset}/${expiresAtMs(key)}`));
  if (shapes.size > 1) return t('people.differs');
  const [first] = keys;
  if (!first) return t('common.noQuota');
  const expires = expiresAtMs(first);
  if (expires === null) return quotaWords(first);
  const distance = timeDistance(expires, nowMs);
  return t(distance.past ? 'people.quotaExpired' : 'people.quotaExpires', { quota: quotaWords(first), expiry: expiryWords(distance) });
}

/** The statuses of keys that do not work, in the order the admin reads them. */
const NOT_WORKING: readonly KeyStatus[] = ['limited', 'expired', 'disabled'];

function statusWords(servers: PersonRow['servers']): { status: PersonRow['status']; words: string } {
  const statuses = new Set(servers.map((server) => server.status));
  const [only] = statuses;
  if (statuses.size === 1 && only) return { status: only, words: keyStatusLabel(only) };
  const notWorking = NOT_WORKING.filter((status) => statuses.has(status)).map(
    (status) =>
      t('people.statusOn', {
        status: keyStatusLabel(status).toLowerCase(),
        servers: servers.filter((server) => server.status === status).map((server) => server.name).join(', '),
      }),
  );
  const words = notWorking.join('; ');
  return { status: 'mixed', words: words.charAt(0).toUpperCase() + words.slice(1) };
}

export function personRow(person: Person, nowMs: number): PersonRow {
  const servers = person.keys.map(({ server, key, source }) => ({ name: server, status: keyStatusAt(key, nowMs), cached: source === 'cache' }));
  const { status, words } = statusWords(servers);
  return {
    uuid: person.uuid,
    name: person.name,
    servers,
    usedWords: formatBytes(person.usedBytes),
    monthWords: formatBytes(person.monthBytes),
    status,
    statusWords: words,
    limitWords: limitWords(person.keys.map((entry) => entry.key), nowMs),
    subscriptionUrl: person.subscriptionUrl,
  };
}

export function personRows(people: readonly Person[], nowMs: number): PersonRow[] {
  return people.map((person) => personRow(person, nowMs));
}
