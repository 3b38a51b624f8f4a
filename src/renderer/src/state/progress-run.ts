import type { DeployProgress } from '../../../shared/contract/deploy.ts';
import type { KeyedEntries } from './keyed-entries.ts';

/** A long task on one server that streams its steps (a deploy, an Xray install): the steps as they came, and how it ended. */
export interface ProgressRun<R> {
  running: boolean;
  steps: DeployProgress[];
  error: string | null;
  result: R | null;
}

/**
 * Runs `task` as entry `id` of `runs`: started afresh, each streamed step appended, then its result,
 * or what `failed` makes of the error it threw.
 */
export async function trackProgressRun<R, E extends ProgressRun<R>>(
  runs: KeyedEntries<E>,
  id: string,
  task: (onProgress: (progress: DeployProgress) => void) => Promise<R>,
  failed: (error: unknown) => Partial<E>,
): Promise<void> {
  // E adds only optional fields (a failure's code and facts) to a run, so a fresh run is one.
  const fresh = (running: boolean) => ({ running, steps: [], error: null, result: null }) as ProgressRun<R> as E;
  const update = (change: (run: E) => E) => runs.update(id, (run = fresh(false)) => change(run));
  runs.put(id, fresh(true));
  try {
    const result = await task((progress) => update((run) => ({ ...run, steps: [...run.steps, progress] })));
    update((run) => ({ ...run, running: false, result }));
  } catch (error) {
    update((run) => ({ ...run, running: false, ...failed(error) }));
  }
}
