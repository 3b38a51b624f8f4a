import { formatByteSize } from '../../shared/format/byte-size.ts';
import type { PendingDisable, Person, ServerOutcome } from '../../shared/contract/people.ts';
import { formatTable } from './format-table.ts';
import { formatUtc } from './format-utc.ts';
import type { CliWords } from './i18n/cli-i18n.ts';
import { statusWord } from './key-limit-words.ts';
import { keyStatusAt } from '../../shared/key-limits/key-limit-status.ts';

/** `paris, oslo (disabled)`: each server of the person, with the key's status when it is not active, `*` when cached. */
export function serversWords(t: CliWords, person: Person, now: Date): string {
  return person.keys
    .map(({ server, key, source }) => {
      const named = `${server}${source === 'cache' ? '*' : ''}`;
      return keyStatusAt(key, now.getTime()) === 'active' ? named : t('people.serverStatus', { server: named, status: statusWord(t, key, now) });
    })
    .join(', ');
}

export function peopleTable(t: CliWords, people: readonly Person[], now: Date): string {
  return formatTable(
    [
      { header: t('people.column.name') },
      { header: t('people.column.uuid') },
      { header: t('people.column.servers') },
      { header: t('people.column.used'), align: 'right' },
      { header: t('people.column.month'), align: 'right' },
      { header: t('people.column.subscription') },
    ],
    people.map((person) => [
      person.name,
      person.uuid,
      serversWords(t, person, now),
      formatByteSize(person.usedBytes),
      formatByteSize(person.monthBytes),
      person.subscriptionUrl ?? '-',
    ]),
  );
}

/** One line per server outcome: what was done, or what failed and why (the core's words for both). */
export function outcomeLines(t: CliWords, outcomes: readonly ServerOutcome[]): string {
  return outcomes
    .map((outcome) =>
      outcome.done
        ? `${t('people.outcomeDone', { server: outcome.server, what: outcome.what })}\n`
        : `${t('people.outcomeFailed', { server: outcome.server, what: outcome.what, message: outcome.message, code: outcome.code })}\n`,
    )
    .join('');
}

export function pendingLines(t: CliWords, pending: readonly PendingDisable[]): string {
  return pending.map((entry) => `${t('people.pending', { server: entry.server, name: entry.name, id: entry.keyId, time: formatUtc(entry.dueAt) })}\n`).join('');
}
