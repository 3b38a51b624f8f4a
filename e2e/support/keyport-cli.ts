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

export interface AddAndDeployOptions {
  /** Added by this ~/.ssh/config alias (support/ssh-alias-at.ts) instead of 127.0.0.1 and the server's SSH port. */
  alias?: string;
  /** Deployed with `--subscriptions PORT`: the agent's subscription listener on that port. */
  subscriptionsPort?: number;
}

/** Adds a test server under `name` (its host key accepted as the harness knows it) and deploys it, through the CLI. */
export async function addAndDeploy(
  env: Record<string, string>,
  name: string,
  server: Pick<TestServer, 'sshPort' | 'clientKeyPath' | 'hostKeyFingerprint'>,
  options: AddAndDeployOptions = {},
): Promise<void> {
  const target = options.alias === undefined ? ['--host', '127.0.0.1', '--port', String(server.sshPort), '--key', server.clientKeyPath] : ['--alias', options.alias];
  const added = await keyport(['server', 'add', name, ...target, '--accept-host-key', server.hostKeyFingerprint], env);
  if (added.code !== 0) throw new Error(`keyport server add ${name} exited ${added.code}\n${added.stderr}`);
  const subscriptions = options.subscriptionsPort === undefined ? [] : ['--subscriptions', String(options.subscriptionsPort)];
  const deployed = await keyport(['server', 'deploy', name, ...subscriptions], env);
  if (deployed.code !== 0) throw new Error(`keyport server deploy ${name} exited ${deployed.code}\n${deployed.stdout}\n${deployed.stderr}`);
}
