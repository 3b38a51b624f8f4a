import { t } from '../i18n/i18n.ts';
import { formatUtcTime } from './format-time.ts';

type Facts = Readonly<Record<string, string | number | boolean | null>>;

/** A `deploy-locked` refusal in the window's words: who holds the server, since when, and how to break it. */
export function deployLockWords(facts: Facts | null | undefined, serverName: string): string {
  let holder: string = typeof facts?.owner === 'string' ? t('deployLock.owner', { owner: facts.owner }) : t('deployLock.ownerUnknown');
  if (typeof facts?.since === 'string') holder = t('deployLock.since', { holder, time: formatUtcTime(facts.since) });
  if (typeof facts?.idleSeconds === 'number') holder = t('deployLock.idle', { holder, idle: formatIdle(facts.idleSeconds) });
  const command = facts?.operation === 'uninstall' ? 'uninstall' : 'deploy';
  return t('deployLock.text', { holder, command, server: serverName });
}

function formatIdle(seconds: number): string {
  return seconds < 120 ? t('deployLock.seconds', { count: seconds }) : t('deployLock.minutes', { count: Math.floor(seconds / 60) });
}
