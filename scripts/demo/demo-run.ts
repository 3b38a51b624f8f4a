import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Everything one `npm run demo` makes carries its run's name, `keyport-demo-PID`: the network
 * namespace and the temp dirs start with it, and every process it starts (socat, sshd, the CLI,
 * web mode) has it in its environment as KEYPORT_DEMO_RUN. So a later run finds what a run
 * killed with -9 left, and removes it, without touching a run that is still going.
 */
export const RUN_PREFIX = 'keyport-demo';
export const RUN_MARKER_ENV = 'KEYPORT_DEMO_RUN';

export const runName = (pid: number) => `${RUN_PREFIX}-${pid}`;

const RUN_IN_NAME = new RegExp(`^(${RUN_PREFIX}-(\\d+))-`);

export interface RunMarks {
  namespaces: string[];
  dirs: string[];
  pids: number[];
}

/** What of `run` is on this machine now. */
export function marksOf(run: string): RunMarks {
  return {
    namespaces: demoNamespaces().filter((name) => name.startsWith(`${run}-`)),
    dirs: readdirSync(tmpdir()).filter((name) => name.startsWith(`${run}-`)).map((name) => join(tmpdir(), name)),
    pids: livePids().filter((pid) => environment(pid).includes(`${RUN_MARKER_ENV}=${run}`)),
  };
}

/** The runs that left namespaces or temp dirs here and whose demo process has ended (this one's own name aside). */
export function endedRuns(): string[] {
  const names = [...demoNamespaces(), ...readdirSync(tmpdir())].map((name) => RUN_IN_NAME.exec(name)).filter((match) => match !== null);
  const runs = new Map(names.map((match) => [match[1]!, Number(match[2])]));
  return [...runs].filter(([, pid]) => pid === process.pid || !isDemo(pid)).map(([run]) => run);
}

/**
 * Ends the run's processes (SIGTERM, then SIGKILL after `graceMs`, each by its pid), then
 * whatever still runs in its namespaces (SIGKILL), deletes the namespaces and its temp dirs;
 * returns what it removed.
 */
export async function removeRun(run: string, graceMs = 5_000): Promise<RunMarks> {
  const marks = marksOf(run);
  await endProcesses(marks.pids, graceMs);
  const pids = [...marks.pids];
  for (const namespace of marks.namespaces) {
    try {
      const inside = namespacePids(namespace);
      await endProcesses(inside, 0);
      pids.push(...inside);
      execFileSync('ip', ['netns', 'del', namespace], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      // Another run removing the same leftovers may have deleted it first.
      if (demoNamespaces().includes(namespace)) throw error;
    }
  }
  for (const dir of marks.dirs) rmSync(dir, { recursive: true, force: true });
  return { ...marks, pids };
}

async function endProcesses(pids: number[], graceMs: number): Promise<void> {
  const signal = (name: NodeJS.Signals) => pids.filter(isRunning).forEach((pid) => kill(pid, name));
  signal(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  const deadline = Date.now() + graceMs;
  while (pids.some(isRunning) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
  signal('SIGKILL');
  // Bounded: SIGKILL ends a process at once; its parent may take a moment to reap it.
  for (let tries = 0; tries < 50 && pids.some(isRunning); tries += 1) await new Promise((done) => setTimeout(done, 100));
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Ended already.
  }
}

/** Running, or stopped: not gone and not a zombie waiting for its parent. */
export function isRunning(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
}

/** Whether `pid` is a demo that still runs: a program run with scripts/demo/main.ts as an argument (not a shell's command line naming it). */
export function isDemo(pid: number): boolean {
  if (!isRunning(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => arg === 'scripts/demo/main.ts' || arg.endsWith('/scripts/demo/main.ts'));
  } catch {
    return false;
  }
}

function demoNamespaces(): string[] {
  // `ip netns list` prints "NAME" or "NAME (id: N)", one a line.
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name.startsWith(`${RUN_PREFIX}-`));
}

export function namespacePids(namespace: string): number[] {
  return execFileSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n').filter(Boolean).map(Number);
}

function livePids(): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number).filter((pid) => pid !== process.pid);
}

function environment(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
}
