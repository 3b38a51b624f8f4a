import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { stopChild } from '../../test-support/stop-child.ts';

/** The pids whose parent is `parent`, read from /proc. */
export function childPids(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // Field 4 of /proc/PID/stat is the parent pid; the command name before it may hold spaces.
        return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}

export function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGTERM'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Ended already.
  }
}

/**
 * Ends a listening socat and the children it forked, one per connection (SIGTERM, by pid), so the
 * open connections drop with it; resolves once socat is gone.
 */
export async function stopSocat(socat: ChildProcess): Promise<void> {
  if (socat.exitCode !== null) return;
  const forwarded = childPids(socat.pid!);
  const stopped = stopChild(socat);
  for (const pid of forwarded) killQuietly(pid);
  await stopped;
}
