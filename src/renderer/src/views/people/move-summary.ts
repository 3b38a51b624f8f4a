import type { MoveProgress, MoveResult, PendingDisable } from '../../../../shared/contract/people.ts';
import { countOf } from '../../format/count-of.ts';

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
      const why = entry.action === 'name-taken' ? `${targetName} has another key named “${entry.name}”` : `no key was made for them on ${targetName} (see what failed below)`;
      summary.notMoved.push({ uuid: entry.uuid, name: entry.name, why });
    }
  }
  for (const outcome of result.outcomes) {
    // A name taken is told with its person above.
    if (!outcome.done && outcome.code !== 'name-taken') summary.failures.push({ server: outcome.server, what: outcome.what, why: outcome.message });
  }
  return summary;
}

/** The step a running move is at, in words. */
export function moveProgressWords(progress: MoveProgress, sourceName: string, targetName: string): string {
  switch (progress.step) {
    case 'planned':
      return `Moving ${countOf(progress.total, 'person', 'people')} from ${sourceName} to ${targetName}…`;
    case 'creating':
      return `Creating their keys on ${targetName}: ${progress.done.toLocaleString()} of ${progress.total.toLocaleString()}`;
    case 'disabling':
      return `Disabling their keys on ${sourceName}: ${progress.done.toLocaleString()} of ${progress.total.toLocaleString()}`;
    case 'bundles':
      return `Updating the subscription links of ${countOf(progress.total, 'person', 'people')} on each of their servers…`;
  }
}
