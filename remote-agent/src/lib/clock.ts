import { readFileSync } from 'node:fs';

/**
 * The agent's clock: Date.now, unless KEYPORT_TEST_CLOCK_FILE names a file holding a number of
 * milliseconds to add to it (read at every call, so a test moves the clock of a running agent,
 * and of the next start, by rewriting the file). Tests of periods and expiry use it instead of
 * waiting; it moves the agent's view of time only, never the system's.
 */
export function agentClock(env: NodeJS.ProcessEnv): () => number {
  const file = env.KEYPORT_TEST_CLOCK_FILE;
  if (file === undefined || file === '') return Date.now;
  return () => {
    const offsetMs = Number(readFileSync(file, 'utf8').trim());
    if (!Number.isFinite(offsetMs)) throw new Error(`KEYPORT_TEST_CLOCK_FILE ${file} must hold a number of milliseconds`);
    return Date.now() + offsetMs;
  };
}
