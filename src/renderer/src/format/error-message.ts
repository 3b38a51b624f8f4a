import type { KeyportErrorCode } from '../../../shared/contract/errors.ts';
import { isKeyportErrorCode } from './error-action.ts';

/**
 * What to show an admin for a failure: KeyportErrors carry messages written for them already. A
 * call the bridge refused for its arguments (facts name the call and the argument) is this page out
 * of step with the console, not the admin's typing: say so, and that reloading fixes a stale page.
 */
export function errorMessage(error: unknown): string {
  const facts = errorFacts(error);
  if (errorCode(error) === 'bad-input' && typeof facts?.call === 'string' && typeof facts.argument === 'number') {
    const where = `argument ${facts.argument}${typeof facts.argumentName === 'string' ? ` (${facts.argumentName})` : ''}${facts.field ? ` at ${String(facts.field)}` : ''}`;
    return `The console refused this page's call ${facts.call}: ${where}: ${String(facts.problem ?? 'does not match')}. Reload the page; if it happens again, it is a bug in Keyport.`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const hint = windowHint(errorCode(error), facts ?? {});
  return hint ? `${message}. ${hint}` : message;
}

/** The core's messages name no face; these say what to do in this window (the CLI says its flags). */
function windowHint(code: KeyportErrorCode | undefined, facts: Facts): string | undefined {
  if (code !== 'bad-input') return undefined;
  if (facts.missing === 'host') return 'Fill in Host, or choose “~/.ssh/config alias” and name one.';
  if (facts.missing === 'credentials') return 'Choose how to log in under “Log in with”: a key file, ssh-agent or a password.';
  return undefined;
}

/** The KeyportError code of a failure, when it has one of the contract's codes. */
export function errorCode(error: unknown): KeyportErrorCode | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && isKeyportErrorCode(error.code)) return error.code;
  return undefined;
}

type Facts = Readonly<Record<string, string | number | boolean | null>>;

/** The facts of a KeyportError (say, the other key that has a name), or none. */
export function errorFacts(error: unknown): Facts | undefined {
  if (typeof error === 'object' && error !== null && 'facts' in error && typeof error.facts === 'object' && error.facts !== null) {
    return error.facts as Facts;
  }
  return undefined;
}
