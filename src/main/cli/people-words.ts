import { formatByteSize } from '../../shared/format/byte-size.ts';
import type { PendingDisable, Person, ServerOutcome } from '../../shared/contract/people.ts';
import { formatTable } from './format-table.ts';
import { formatUtc } from './format-utc.ts';
import { statusWord } from './key-limit-words.ts';

/** `paris, oslo (disabled)`: each server of the person, with the key's status when it is not active, `*` when cached. */
export function serversWords(person: Person, now: Date): string {
  return person.keys
    .map(({ server, key, source }) => {
      const status = statusWord(key, now);
      return `${server}${source === 'cache' ? '*' : ''}${status === 'active' ? '' : ` (${status})`}`;
    })
    .join(', ');
}

export function peopleTable(people: readonly Person[], now: Date): string {
  return formatTable(
    [{ header: 'NAME' }, { header: 'UUID' }, { header: 'SERVERS' }, { header: 'USED', align: 'right' }, { header: 'MONTH', align: 'right' }, { header: 'SUBSCRIPTION' }],
    people.map((person) => [
      person.name,
      person.uuid,
      serversWords(person, now),
      formatByteSize(person.usedBytes),
      formatByteSize(person.monthBytes),
      person.subscriptionUrl ?? '-',
    ]),
  );
}

/** One line per server outcome: what was done, or what failed and why. */
export function outcomeLines(outcomes: readonly ServerOutcome[]): string {
  return outcomes.map((outcome) => (outcome.done ? `  ${outcome.server}: ${outcome.what}\n` : `  ${outcome.server}: FAILED ${outcome.what}: ${outcome.message} (${outcome.code})\n`)).join('');
}

export function pendingLines(pending: readonly PendingDisable[]): string {
  return pending.map((entry) => `  ${entry.server}: ${entry.name} (key ${entry.keyId}) is disabled after ${formatUtc(entry.dueAt)}\n`).join('');
}
