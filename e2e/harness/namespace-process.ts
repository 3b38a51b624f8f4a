import { spawn, type ChildProcess } from 'node:child_process';
import { stopChild } from '../../test-support/stop-child.ts';

/**
 * A process the test started inside a network namespace (`ip netns exec` execs the command, so
 * the pid is the command's own). Its output is kept for waits and failure messages; it is ended by
 * its pid only.
 */
export class NamespaceProcess {
  readonly name: string;
  readonly #child: ChildProcess;
  #output = '';

  constructor(name: string, namespace: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
    this.name = name;
    this.#child = spawn('ip', ['netns', 'exec', namespace, command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child.stdout!.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    this.#child.stderr!.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    this.#child.on('error', (error) => (this.#output += `\n[spawn failed: ${error.message}]`));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get output(): string {
    return this.#output;
  }

  get exited(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null;
  }

  /** Waits until the output matches `pattern`; fails if the process ends first or time runs out. */
  async waitForOutput(pattern: RegExp, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.#output)) {
      if (this.exited) throw new Error(`${this.name} exited (${this.#child.exitCode ?? this.#child.signalCode}) before ${pattern}: ${this.#output}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: no ${pattern} within ${timeoutMs} ms: ${this.#output}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 3_000): Promise<void> {
    await stopChild(this.#child, graceMs);
  }
}
