import { t } from '../i18n/i18n.ts';
import { isUnreachableState, type ServerCondition } from '../state/server-condition.ts';
import { failureWords } from './error-message.ts';

/** Why a change cannot be sent to the server now, for a disabled button's title; null when it can. */
export function changeBlockedWhy(condition: ServerCondition, serverName: string): string | null {
  if (condition.canChange) return null;
  if (condition.state === 'deploying') return t('reach.deploying', { server: serverName });
  if (condition.state === 'not-deployed' || isUnreachableState(condition.state)) {
    const why = t(`reach.${condition.state}`, { server: serverName });
    return condition.reason ? t('reach.withReason', { why, reason: condition.reason }) : why;
  }
  return null;
}

/** Why the server cannot be reached, once, in the chosen language (the core's words as details where it is not English). */
export function unreachableWords(condition: ServerCondition, serverName: string): string | null {
  if (!isUnreachableState(condition.state)) return null;
  if (!condition.reason) return t(`reach.${condition.state}`, { server: serverName });
  const facts = { server: serverName, unreachable: condition.state === 'agent-down' ? 'agent' : null };
  const code = condition.state === 'offline' || condition.state === 'agent-down' ? 'server-offline' : condition.state;
  return failureWords(code, facts, condition.reason);
}

/** When the console tries the server again, from the seconds left: null when it waits for nothing. */
export function retryWords(secondsLeft: number | null): string | null {
  if (secondsLeft === null) return null;
  return secondsLeft > 0 ? t('reachNotice.retryIn', { seconds: secondsLeft }) : t('reachNotice.retrying');
}

/** The title of an active key's status on a server whose state is not green: why its link may not work. */
export function activeKeyCaveat(condition: ServerCondition): string | null {
  const { state } = condition;
  if (state === 'online' || state === 'agent-outdated' || state === 'checking' || state === 'unknown' || state === 'deploying' || state === 'not-deployed') return null;
  const words = t(`state.${state}`);
  return isUnreachableState(state) ? t('keys.row.asLastSynced', { state: words }) : t('keys.row.notServing', { state: words });
}
