import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');

export interface RunningWebConsole {
  /** The address `keyport console` printed, token included. */
  url: string;
  /** null while the process runs; its exit code (or signal) once it ended. */
  exited(): number | string | null;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `keyport console` (web mode) from the checkout as an admin would, and waits for its address. */
export function startWebConsoleProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<RunningWebConsole> {
  const child = spawn(resolve(REPO, 'bin/keyport'), ['console'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`keyport console printed no address in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /^(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      done({ url, exited: () => child.exitCode ?? child.signalCode, output: () => output, stop: () => stopChild(child) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`keyport console exited ${code}:\n${output}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGINT');
  const stuck = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(stuck);
}
