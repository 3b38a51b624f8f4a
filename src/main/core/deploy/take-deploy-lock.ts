import type { DeployProgress } from '../../../shared/contract/deploy.ts';
import { deployNote, type DeployNote } from '../../../shared/contract/deploy-notes.ts';
import { processConsoleIdentity, type ConsoleIdentity } from '../console/console-identity.ts';
import { removeLeftoverFiles } from './leftover-files.ts';
import { ProgressSteps } from './progress-steps.ts';
import { RemoteLock, type AcquireOptions, type TakeOver } from './remote-lock.ts';
import type { RemoteHost } from '../ssh/remote-host.ts';

const TOOK_OVER: Record<TakeOver, DeployNote> = {
  'left-by-this-console': deployNote('tookOverOwnDeploy'),
  expired: deployNote('tookOverSilentDeploy'),
  broken: deployNote('brokeLockAsAsked'),
};

/**
 * The `lock` step of a deploy or uninstall: takes the server's lock (see RemoteLock), then
 * removes what interrupted deploys left (staged uploads, part files), which only a holder may.
 */
export async function takeDeployLock(host: RemoteHost, options: AcquireOptions & { onProgress?: (progress: DeployProgress) => void }): Promise<RemoteLock> {
  return new ProgressSteps(options.onProgress).run('lock', deployNote('takingLock'), async () => {
    const lock = await RemoteLock.acquire(host, options);
    try {
      const removed = await removeLeftoverFiles(host);
      const from = lock.tookOver?.from;
      const taken = lock.tookOver
        ? [
            deployNote('lockTakenOver', { how: TOOK_OVER[lock.tookOver.how], holder: from?.hostname ?? deployNote('unnamedConsole') }),
            ...(from?.since ? [deployNote('lockHeldSince', { since: from.since })] : []),
          ]
        : [deployNote('lockTaken')];
      return { value: lock, notes: removed > 0 ? [...taken, deployNote('leftoverFilesRemoved', { count: removed })] : taken };
    } catch (error) {
      await lock.release().catch(() => undefined);
      throw error;
    }
  });
}

export interface LockedWorkOptions {
  operation: NonNullable<AcquireOptions['operation']>;
  onProgress?: (progress: DeployProgress) => void;
  /** Who works, as the server's lock records it; a console of this process only by default. */
  owner?: ConsoleIdentity;
  breakLock?: boolean;
}

/** A deploy or uninstall: its steps run under the server's lock, which each step refreshes and the end releases. */
export async function underDeployLock<T>(host: RemoteHost, options: LockedWorkOptions, work: (steps: ProgressSteps) => Promise<T>): Promise<T> {
  const lock = await takeDeployLock(host, {
    owner: options.owner ?? processConsoleIdentity(),
    breakLock: options.breakLock,
    operation: options.operation,
    onProgress: options.onProgress,
  });
  try {
    return await work(new ProgressSteps(options.onProgress, () => lock.refresh()));
  } finally {
    await lock.release().catch(() => undefined);
  }
}
