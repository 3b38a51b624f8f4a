import type { KeyportErrorCode } from '../../../../shared/contract/errors.ts';

/** A read or write of the key as the stores keep its failure (a Loadable or an operation). */
export interface KeyCallOutcome {
  errorCode?: KeyportErrorCode | null;
  errorFacts?: Readonly<Record<string, string | number | boolean | null>> | null;
}

/** What a key's page has nothing to show for: the server no longer in this console, or the key not on it. */
export type KeyPageGone = 'server' | 'key';

/**
 * Whether the key's page is of nothing: a call about the key (its link, its history, a change to
 * it) that answered not-found. The server is told apart by the fact the core gives for it, so the
 * page offers the way back that exists; null while nothing says so (a slow or offline server is not gone).
 */
export function keyPageGone(outcomes: readonly (KeyCallOutcome | undefined)[]): KeyPageGone | null {
  const notFound = outcomes.filter((outcome) => outcome?.errorCode === 'not-found');
  if (notFound.length === 0) return null;
  return notFound.some((outcome) => typeof outcome?.errorFacts?.unknownServer === 'string') ? 'server' : 'key';
}
