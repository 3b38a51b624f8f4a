import { spawn } from 'node:child_process';

export interface ExitResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunToExitOptions {
  timeoutMs: number;
  /** Written to stdin, which is then closed; without it stdin is not connected at all. */
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs `command ARGS` to its end with its output kept; killed (SIGKILL, by its pid) after `timeoutMs`, which fails. */
export function runToExit(command: string, args: readonly string[], options: RunToExitOptions): Promise<ExitResult> {
  const { timeoutMs, input, env = process.env, cwd } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (child.stdin) {
      // A command that exits without reading its input must not fail the run.
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}
