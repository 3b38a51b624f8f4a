import { resolve } from 'node:path';
import { runToExit } from '../../test-support/run-to-exit.ts';

const REPO = resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `keyport ARGS` from the checkout (the package's bin) as an admin would, with its own home. */
export async function keyport(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<CliResult> {
  const { code, stdout, stderr } = await runToExit(resolve(REPO, 'bin/keyport'), args, { env: { ...process.env, ...env }, timeoutMs });
  return { code: code ?? -1, stdout, stderr };
}

/** Like keyport(), but fails the test unless the command exits 0; returns its parsed JSON output. */
export async function keyportJson<T = any>(args: string[], env: Record<string, string>): Promise<T> {
  const result = await keyport([...args, '--json'], env);
  if (result.code !== 0) throw new Error(`keyport ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
