import { isKeyportError } from '../../../shared/contract/errors.ts';
import type { ServerOutcome } from '../../../shared/contract/people.ts';

/** What `work` on one server came to: done, or failed with its code; only an internal fault is thrown on. */
export async function outcome(server: string, what: string, work: () => Promise<unknown>): Promise<ServerOutcome> {
  try {
    await work();
    return { server, done: true, what };
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    if (isKeyportError(error) && error.code === 'internal') throw error;
    return { server, done: false, what, code: isKeyportError(error) ? error.code : 'unexpected', message: error.message };
  }
}
