import { currentLanguage, t } from '../i18n/i18n.ts';
import { isUnreachableState, type ServerCondition } from '../state/server-condition.ts';
import { failureParts, type FailureParts } from './error-message.ts';

/** Why a change cannot be sent to the server now, for a disabled button's title; null when it can. */
export function changeBlockedWhy(condition: ServerCondition, serverName: string): string | null {
  if (condition.canChange) return null;
  if (condition.state === 'deploying') return t('reach.deploying', { server: serverName });
  if (condition.state === 'not-deployed' || isUnreachableState(condition.state)) {
    const why = t(`reach.${condition.state}`, { server: serverName });
    const reason = coreReason(condition);
    return reason ? t('reach.withReason', { why, reason }) : why;
  }
  return null;
}

/**
 * The core's own words on why, where they add to the window's: in English, the language the core
 * writes in (in another, the notice under the server gives them once, as details).
 */
function coreReason(condition: ServerCondition): string | null {
  return currentLanguage() === 'en' ? condition.reason : null;
}

/** A state badge's tooltip: why the server is not reached, in the chosen language. */
export function stateTitle(condition: ServerCondition, serverName: string, statusReason: string | undefined): string | undefined {
  if (currentLanguage() === 'en') return condition.reason ?? statusReason;
  return isUnreachableState(condition.state) ? t(`reach.${condition.state}`, { server: serverName }) : undefined;
}

/**
 * Why the server cannot be reached, once, in the chosen language: the core's words as details
 * where it is not English, apart, so that the notice can mark them as English.
 */
export function unreachableWords(condition: ServerCondition, serverName: string): FailureParts | null {
  if (!isUnreachableState(condition.state)) return null;
  // A host key's fingerprints are in the host-key panel beside it, in the window's words.
  if (!condition.reason || condition.state === 'host-key-changed' || condition.state === 'host-key-unknown') return { summary: t(`reach.${condition.state}`, { server: serverName }), details: null };
  const facts = { server: serverName, unreachable: condition.state === 'agent-down' ? 'agent' : null };
  const code = condition.state === 'offline' || condition.state === 'agent-down' ? 'server-offline' : condition.state;
  return failureParts(code, facts, condition.reason);
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
