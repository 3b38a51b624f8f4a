import { execFileSync } from 'node:child_process';
import { NamespaceProcess } from './namespace-process.ts';

/**
 * Runs commands and long-running processes in the namespaces a test made, and ends the processes
 * it started (by their pids), for the networks made of those namespaces.
 */
export class NamespaceRunner {
  readonly #processes: NamespaceProcess[] = [];

  /** Runs a command inside a namespace and returns its stdout. */
  exec(namespace: string, command: string, args: readonly string[]): string {
    return execFileSync('ip', ['netns', 'exec', namespace, command, ...args], { encoding: 'utf8' });
  }

  /** Starts a long-running process inside a namespace; `stopProcesses` ends it if the test did not. */
  spawn(name: string, namespace: string, command: string, args: readonly string[], env?: NodeJS.ProcessEnv): NamespaceProcess {
    const child = new NamespaceProcess(name, namespace, command, args, env);
    this.#processes.push(child);
    return child;
  }

  /** Whether something in `namespace` listens on TCP `port` (one read of its socket table). */
  listening(namespace: string, port: number): boolean {
    return this.exec(namespace, 'ss', ['-Hltn', `sport = :${port}`]).trim() !== '';
  }

  /** Ends every process started through `spawn`. */
  async stopProcesses(): Promise<void> {
    await Promise.all(this.#processes.map((child) => child.stop()));
  }
}
