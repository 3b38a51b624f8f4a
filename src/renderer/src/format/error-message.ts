/** What to show an admin for a failure: KeyportErrors carry messages written for them already. */
export function errorMessage(error: unknown): string {
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
