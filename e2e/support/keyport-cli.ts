import { resolve } from 'node:path';
import { runToExit } from '../../test-support/run-to-exit.ts';
import type { TestServer } from '../harness/test-server.ts';

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

/** Adds a test server under `name` (its host key accepted as the harness knows it) and deploys it, through the CLI. */
export async function addAndDeploy(env: Record<string, string>, name: string, server: Pick<TestServer, 'sshPort' | 'clientKeyPath' | 'hostKeyFingerprint'>): Promise<void> {
  const added = await keyport(['server', 'add', name, '--host', '127.0.0.1', '--port', String(server.sshPort), '--key', server.clientKeyPath, '--accept-host-key', server.hostKeyFingerprint], env);
  if (added.code !== 0) throw new Error(`keyport server add ${name} exited ${added.code}\n${added.stderr}`);
  const deployed = await keyport(['server', 'deploy', name], env);
  if (deployed.code !== 0) throw new Error(`keyport server deploy ${name} exited ${deployed.code}\n${deployed.stdout}\n${deployed.stderr}`);
}
