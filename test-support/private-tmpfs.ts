import { spawn, type ChildProcess } from 'node:child_process';
import { stopChild } from './stop-child.ts';
import { waitFor } from './wait.ts';

/**
 * A tmpfs of `sizeBytes` on `dir`, mounted in a private mount namespace held by one `sleep`: the
 * host never sees it, and it goes away with that process however the test ends. Processes that
 * should see it run through `wrap`; the test reaches its files through /proc/PID/root.
 */
export class PrivateTmpfs {
  readonly dir: string;
  readonly #holder: ChildProcess;

  private constructor(dir: string, holder: ChildProcess) {
    this.dir = dir;
    this.#holder = holder;
  }

  static async mount(dir: string, sizeBytes: number): Promise<PrivateTmpfs> {
    const holder = spawn(
      'unshare',
      ['--mount', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o size=${sizeBytes},mode=0700 keyport-test "$1" && echo mounted && exec sleep 600`, 'sh', dir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    holder.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor('the private tmpfs', () => {
      if (holder.exitCode !== null) throw new Error(`mounting a tmpfs failed (exit ${holder.exitCode})`);
      return output.includes('mounted') ? true : undefined;
    });
    return new PrivateTmpfs(dir, holder);
  }

  /** `path` (under dir) as the test process reaches it. */
  hostPath(path: string): string {
    return `/proc/${this.#holder.pid}/root${path}`;
  }

  wrap(command: string, args: readonly string[]): [string, string[]] {
    return ['nsenter', ['-t', String(this.#holder.pid), '-m', command, ...args]];
  }

  async dispose(): Promise<void> {
    await stopChild(this.#holder);
  }
}
