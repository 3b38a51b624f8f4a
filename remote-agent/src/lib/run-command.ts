import { execFile, spawn } from 'node:child_process';

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

/**
 * Runs a program as runCommand does (no input), handing its output to `onOutput` as it comes, in
 * UTF-8 pieces cut anywhere, instead of as one string at its end: the caller reads while the
 * program still writes. An error thrown by `onOutput` stops the program and rejects with that error.
 */
export function streamCommand(
  file: string,
  args: readonly string[],
  onOutput: (text: string) => void,
  options: Pick<RunOptions, 'timeoutMs'> = {},
): Promise<Omit<CommandResult, 'stdout'>> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let failure: { error: unknown } | undefined;
    const timer = setTimeout(() => {
      failure ??= { error: new Error(`${file} ${args[0] ?? ''} did not finish within ${timeoutMs} ms`) };
      child.kill();
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      if (failure) return;
      try {
        onOutput(text);
      } catch (error) {
        failure = { error };
        child.kill();
      }
    });
    child.stderr.on('data', (text: string) => (stderr += text));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure) reject(failure.error);
      else resolve({ exitCode: code ?? 1, stderr });
    });
  });
}
