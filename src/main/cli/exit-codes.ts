import { isKeyportError, type KeyportErrorCode } from '../../shared/contract/errors.ts';

/** Exit codes a script can act on; full-usage.ts documents them. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  offline: 3,
  hostKey: 4,
  auth: 5,
  notFound: 6,
} as const;

const BY_CODE: Partial<Record<KeyportErrorCode, number>> = {
  'server-offline': EXIT.offline,
  'host-key-unknown': EXIT.hostKey,
  'host-key-changed': EXIT.hostKey,
  'auth-failed': EXIT.auth,
  'sudo-password-required': EXIT.auth,
  'secret-required': EXIT.auth,
  'not-found': EXIT.notFound,
  'ssh-key-unusable': EXIT.auth,
};

export function exitCodeFor(error: unknown): number {
  // A deletion without --yes and no terminal to ask on is the command line's fault, and nothing was done.
  if (isKeyportError(error) && error.code === 'bad-input' && error.facts.problem === 'not-confirmed') return EXIT.usage;
  return (isKeyportError(error) && BY_CODE[error.code]) || EXIT.failed;
}
