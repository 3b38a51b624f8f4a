import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDemo, isRunning, marksOf, namespacePids, runName, type RunMarks } from '../../scripts/demo/demo-run.ts';
import { childPids } from '../harness/socat-forks.ts';

const REPO = resolve(import.meta.dirname, '../..');

/** A process as it was seen: its pid and when it started, so a later process with the same pid is not taken for it. */
export interface SeenProcess {
  pid: number;
  startTicks: string;
}

export interface RunningDemo {
  /** The link web mode printed. */
  link: string;
  /** keyport-demo-PID, PID being the demo's own node process. */
  run: string;
  demoPid: number;
  output(): string;
  /** Resolves with how `npm run demo` ended (its exit code, or the signal). */
  readonly ended: Promise<number | string>;
  /** Every process of the run now: npm's tree (web mode too, in its own group) and what runs in its namespaces. */
  processes(): SeenProcess[];
  marks(): RunMarks;
  /** Ctrl-C: SIGINT to `npm run demo`'s process group, as a terminal sends it. */
  interrupt(): void;
}

/** Starts `npm run demo` as an admin would, in a process group of its own, and waits for its link. */
export function startDemo(timeoutMs = 300_000): Promise<RunningDemo> {
  const npm = spawn('npm', ['run', 'demo'], { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ended = new Promise<number | string>((done) => npm.once('exit', (code, signal) => done(code ?? signal!)));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`npm run demo printed no link in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    void ended.then((how) => fail(new Error(`npm run demo ended (${how}) before it printed a link:\n${output}`)));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const link = /^Keyport console \(web mode\): (\S+)$/m.exec(output)?.[1];
      if (!link) return;
      clearTimeout(timer);
      const demoPid = descendants(npm.pid!).find(isDemo);
      if (demoPid === undefined) {
        fail(new Error('no demo process under npm run demo'));
        return;
      }
      const run = runName(demoPid);
      done({
        link,
        run,
        demoPid,
        output: () => output,
        ended,
        marks: () => marksOf(run),
        processes() {
          const marks = marksOf(run);
          const pids = new Set([...descendants(npm.pid!), ...marks.pids, ...marks.namespaces.flatMap(namespacePids)]);
          return [...pids].map(seen).filter((found) => found !== undefined);
        },
        interrupt: () => process.kill(-npm.pid!, 'SIGINT'),
      });
    });
  });
}

/** Whether the process seen then still runs (a zombie waiting for its parent counts as gone). */
export function stillRuns(process: SeenProcess): boolean {
  return seen(process.pid)?.startTicks === process.startTicks && isRunning(process.pid);
}

function descendants(root: number): number[] {
  const found: number[] = [root];
  // Bounded: a demo's tree is a few dozen processes.
  for (let index = 0; index < found.length && found.length < 1_000; index += 1) found.push(...childPids(found[index]!));
  return found;
}

function seen(pid: number): SeenProcess | undefined {
  try {
    // Field 22 of /proc/PID/stat is the start time in clock ticks since boot; the name before it may hold spaces.
    return { pid, startTicks: readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]! };
  } catch {
    return undefined;
  }
}
