import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');
const KEYPORT = resolve(REPO, 'bin/keyport');

/** Builds the agent bundle and the console's pages when a checkout has not built them yet (setup does). */
export function buildMissing(say: (line: string) => void): void {
  const builds = [
    { built: 'out/agent/keyport-agent.mjs', script: 'build:agent' },
    { built: 'out/renderer/index.html', script: 'build:console' },
  ];
  for (const { built, script } of builds.filter(({ built }) => !existsSync(resolve(REPO, built)))) {
    say(`${built} is missing: npm run ${script}`);
    execFileSync('npm', ['run', '--silent', script], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

/**
 * Runs `keyport ARGS` as an admin would, on the demo's own state; resolves with its stdout, or
 * fails with what it said. `show` passes its output through (a deploy's steps).
 */
export function keyport(args: string[], env: Record<string, string>, options: { show?: boolean } = {}): Promise<string> {
  const child = spawn(KEYPORT, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (options.show) process.stdout.write(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (options.show) process.stderr.write(chunk);
  });
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code, signal) => {
      if (code === 0) done(stdout);
      else fail(new Error(`keyport ${args.join(' ')} ended with ${code ?? signal}${options.show ? '' : `:\n${stderr}`}`));
    });
  });
}

export interface WebMode {
  /** The link `keyport console` printed, its access token included. */
  url: string;
  /** From now on its stderr passes through (what it said so far first), after the demo's own lines. */
  passOutput(): void;
}

/**
 * Starts `keyport console` (web mode) on the demo's state and resolves once it prints its link.
 * It runs in a process group of its own, so a Ctrl-C reaches the demo alone, which ends it (by
 * pid) in its own order; `onExit` is told if it ends otherwise.
 */
export function startWebMode(env: Record<string, string>, onExit: () => void, timeoutMs = 60_000): Promise<WebMode> {
  const child = spawn(KEYPORT, ['console'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let heldStderr: Buffer[] | undefined = [];
  child.stderr.on('data', (chunk: Buffer) => (heldStderr ? heldStderr.push(chunk) : process.stderr.write(chunk)));
  const passOutput = () => {
    for (const chunk of heldStderr ?? []) process.stderr.write(chunk);
    heldStderr = undefined;
  };
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`keyport console printed no link in ${timeoutMs} ms`)), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /^(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(stdout)?.[1];
      if (!url) return;
      clearTimeout(timer);
      done({ url, passOutput });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      passOutput();
      fail(new Error(`keyport console ended with ${code ?? signal}`));
      onExit();
    });
  });
}
