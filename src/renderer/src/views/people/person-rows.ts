import { formatBytes } from '../../../../shared/agent-api.ts';
import type { Person } from '../../../../shared/contract/people.ts';
import { keyStatusAt } from '../../../../shared/key-limits/key-limit-status.ts';

/** One person as the People table shows them. */
export interface PersonRow {
  uuid: string;
  name: string;
  /** Each server with its key's status when that is not active, and whether it came from the cache. */
  servers: { name: string; status: string; cached: boolean }[];
  usedWords: string;
  monthWords: string;
  subscriptionUrl: string | null;
}

export function personRows(people: readonly Person[], nowMs: number): PersonRow[] {
  return people.map((person) => ({
    uuid: person.uuid,
    name: person.name,
    servers: person.keys.map(({ server, key, source }) => ({ name: server, status: keyStatusAt(key, nowMs), cached: source === 'cache' })),
    usedWords: formatBytes(person.usedBytes),
    monthWords: formatBytes(person.monthBytes),
    subscriptionUrl: person.subscriptionUrl,
  }));
}
