import { execFile } from 'node:child_process';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
}

/**
 * Runs a program with an argument array, never through a shell, and resolves with its exit code
 * instead of throwing on a non-zero exit. A program that cannot be started, or runs past its
 * time limit (then it is killed), rejects.
 */
export function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error?.killed) {
          reject(new Error(`${file} ${args[0] ?? ''} did not finish within ${timeoutMs} ms`));
          return;
        }
        if (error && typeof error.code === 'string') {
          reject(error);
          return;
        }
        const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ exitCode, stdout, stderr });
      },
    );
    child.stdin?.on('error', () => {
      // The program may exit before reading its input; its exit code tells what happened.
    });
    child.stdin?.end(options.input ?? '');
  });
}
