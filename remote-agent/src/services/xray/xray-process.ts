import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';

export interface XrayProcessPaths {
  bin: string;
  configPath: string;
  pidFile: string;
  logFile: string;
}

/**
 * Starts and restarts Xray as a detached process remembered by a pid file, so it keeps serving
 * while the agent itself restarts. A restart drops every connection: it is the fallback for when
 * Xray's API cannot be reached, never the normal way to apply a change.
 */
export class XrayProcess {
  readonly #paths: XrayProcessPaths;

  constructor(paths: XrayProcessPaths) {
    this.#paths = paths;
  }

  /** The pid of the Xray this agent started, if that process is still alive and still Xray. */
  async runningPid(): Promise<number | undefined> {
    const pid = Number.parseInt(await readFile(this.#paths.pidFile, 'utf8').catch(() => ''), 10);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    return cmdline.split('\0').includes(this.#paths.configPath) ? pid : undefined;
  }

  async start(): Promise<number> {
    const log = openSync(this.#paths.logFile, 'a', 0o600);
    try {
      const child = spawn(this.#paths.bin, ['run', '-c', this.#paths.configPath], {
        detached: true,
        stdio: ['ignore', log, log],
      });
      const pid = await new Promise<number>((resolve, reject) => {
        child.once('spawn', () => resolve(child.pid as number));
        child.once('error', reject);
      });
      child.unref();
      await writeFile(this.#paths.pidFile, `${pid}\n`, { mode: 0o600 });
      return pid;
    } finally {
      closeSync(log);
    }
  }

  async stop(timeoutMs = 5_000): Promise<void> {
    const pid = await this.runningPid();
    if (pid === undefined) return;
    process.kill(pid, 'SIGTERM');
    // A stopped (hung) Xray handles SIGTERM only once continued.
    process.kill(pid, 'SIGCONT');
    if (!(await this.#exited(timeoutMs))) {
      process.kill(pid, 'SIGKILL');
      // Its listening sockets close only when it is gone; a new Xray started before that cannot bind.
      await this.#exited(2_000);
    }
    await rm(this.#paths.pidFile, { force: true });
  }

  async #exited(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.runningPid()) !== undefined) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return true;
  }

  async restart(): Promise<number> {
    await this.stop();
    return this.start();
  }
}
