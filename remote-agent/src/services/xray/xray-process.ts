import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { commandLineOf } from '../net/socket-holders.ts';

export interface XrayProcessPaths {
  bin: string;
  configPath: string;
  pidFile: string;
  /** Xray's stdout and stderr: its error log and start-up lines (rotated by the agent). */
  logFile: string;
}

export class XrayStopError extends Error {}

const STOP_GRACE_MS = 5_000;
const KILL_WAIT_MS = 5_000;

/**
 * Starts and restarts Xray as a detached process remembered by a pid file, so it keeps serving
 * while the agent itself restarts. A restart drops every connection: it is the fallback for when
 * Xray's API cannot be reached, never the normal way to apply a change.
 */
export class XrayProcess {
  readonly #paths: XrayProcessPaths;
  /**
   * Xrays this agent spawned that have not exited. Alive whatever /proc shows: a wrapper script
   * (our stand-in, a distribution's launcher) execs its interpreter after the spawn, and
   * /proc/PID/cmdline reads empty or different in between.
   */
  readonly #children = new Set<number>();

  constructor(paths: XrayProcessPaths) {
    this.#paths = paths;
  }

  /** The pid of the Xray this agent started, if that process is still alive and still Xray. */
  async runningPid(): Promise<number | undefined> {
    const pid = Number.parseInt(await readFile(this.#paths.pidFile, 'utf8').catch(() => ''), 10);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    if (this.#children.has(pid)) return pid;
    return (await this.runsOurConfig(pid)) ? pid : undefined;
  }

  /** Whether a process is an Xray serving this agent's config file (a zombie has no command line). */
  async runsOurConfig(pid: number): Promise<boolean> {
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    return args.includes(this.#paths.configPath) && args.includes('run');
  }

  /** Takes over an Xray of ours whose pid file was lost, so it is stopped and restarted like one we started. */
  async adopt(pid: number): Promise<void> {
    await writeFile(this.#paths.pidFile, `${pid}\n`, { mode: 0o600 });
  }

  async start(): Promise<number> {
    const log = openSync(this.#paths.logFile, 'a', 0o600);
    try {
      // `-format json`: Xray picks a config's format from its file name otherwise (core/config.go:82-95).
      const child = spawn(this.#paths.bin, ['run', '-format', 'json', '-c', this.#paths.configPath], {
        detached: true,
        stdio: ['ignore', log, log],
      });
      let exited = false;
      child.once('exit', () => {
        exited = true;
        this.#children.delete(child.pid as number);
      });
      const pid = await new Promise<number>((resolve, reject) => {
        child.once('spawn', () => resolve(child.pid as number));
        child.once('error', reject);
      });
      if (!exited) this.#children.add(pid);
      child.unref();
      await writeFile(this.#paths.pidFile, `${pid}\n`, { mode: 0o600 });
      return pid;
    } finally {
      closeSync(log);
    }
  }

  /** Stops the Xray of the pid file; resolves only once it is gone, so no two Xrays ever share the ports. */
  async stop(): Promise<void> {
    const pid = await this.runningPid();
    if (pid !== undefined) await this.stopPid(pid);
    await rm(this.#paths.pidFile, { force: true });
  }

  /**
   * Ends one Xray of ours: SIGTERM, then SIGKILL if it has not exited in time. Xray binds with
   * SO_REUSEPORT, so a new Xray started while this one lives would share every port with it.
   */
  async stopPid(pid: number): Promise<void> {
    signal(pid, 'SIGTERM');
    // A stopped (hung) Xray handles SIGTERM only once continued.
    signal(pid, 'SIGCONT');
    if (await this.#exited(pid, STOP_GRACE_MS)) return;
    signal(pid, 'SIGKILL');
    if (!(await this.#exited(pid, KILL_WAIT_MS))) {
      throw new XrayStopError(`Xray (pid ${pid}) did not exit after SIGKILL; not starting another one beside it`);
    }
  }

  async restart(): Promise<number> {
    await this.stop();
    return this.start();
  }

  async #exited(pid: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while ((await commandLineOf(pid)) !== '') {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return true;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
