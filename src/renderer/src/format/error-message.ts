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
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The KeyportError code of a failure, when it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
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
