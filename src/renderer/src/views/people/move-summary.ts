import type { MoveProgress, MoveResult, PendingDisable } from '../../../../shared/contract/people.ts';
import { failureWords } from '../../format/error-message.ts';
import { t } from '../../i18n/i18n.ts';

export interface MoveSummary {
  /** The people who have a key on the target now: made by this move, or there already. */
  moved: { uuid: string; name: string; created: boolean }[];
  /** The people who do not, with why. */
  notMoved: { uuid: string; name: string; why: string }[];
  /** Every step that failed (a batch of keys, a disable, a bundle), by server, with the server's reason. */
  failures: { server: string; what: string; why: string }[];
  pending: PendingDisable[];
}

/**
 * What a move did, told person by person. Whether someone moved is read from the people as they are
 * after it (a key on the target), not from the steps' words.
 */
export function moveSummary(result: MoveResult, targetName: string): MoveSummary {
  const onTarget = new Set(result.people.filter((person) => person.keys.some((entry) => entry.server === targetName)).map((person) => person.uuid));
  const summary: MoveSummary = { moved: [], notMoved: [], failures: [], pending: result.pending };
  for (const entry of result.plan) {
    if (onTarget.has(entry.uuid)) summary.moved.push({ uuid: entry.uuid, name: entry.name, created: entry.action === 'create' });
    else {
      const why = entry.action === 'name-taken' ? t('move.nameTaken', { server: targetName, name: entry.name }) : t('move.noKeyMade', { server: targetName });
      summary.notMoved.push({ uuid: entry.uuid, name: entry.name, why });
    }
  }
  for (const outcome of result.outcomes) {
    // A name taken is told with its person above.
    if (!outcome.done && outcome.code !== 'name-taken') summary.failures.push({ server: outcome.server, what: outcome.what, why: failureWords(outcome.code, {}, outcome.message) });
  }
  return summary;
}

/** The step a running move is at, in words. */
export function moveProgressWords(progress: MoveProgress, sourceName: string, targetName: string): string {
  switch (progress.step) {
    case 'planned':
      return t('move.planned', { people: t('counts.people', { count: progress.total }), from: sourceName, to: targetName });
    case 'creating':
      return t('move.creating', { server: targetName, done: progress.done, total: progress.total });
    case 'disabling':
      return t('move.disabling', { server: sourceName, done: progress.done, total: progress.total });
    case 'bundles':
      return t('move.bundles', { people: t('counts.people', { count: progress.total }) });
  }
}
