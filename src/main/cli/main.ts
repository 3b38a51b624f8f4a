import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { CliIo, CoreOptions } from './command.ts';
import { resolveKeyportHome } from './keyport-home.ts';
import { runCli } from './run-cli.ts';
import { secretAsker } from './secret-asker.ts';

const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  isTTY: process.stdin.isTTY === true,
  env: process.env,
  now: () => new Date(),
  untilStopped: () =>
    new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    }),
};

// Loaded only for a command that parsed: help and usage errors stay instant and never load ssh2 or SQLite.
const openCore = async ({ askOnTerminal }: CoreOptions) => {
  const { openKeyportCore } = await import('../core/keyport-core.ts');
  const { checkoutArtifacts } = await import('../core/deploy/agent-artifacts.ts');
  const artifacts = checkoutArtifacts();
  // Deploys another agent build (a candidate release, or a deliberately broken one in the tests).
  if (process.env.KEYPORT_AGENT_BUNDLE) artifacts.bundlePath = resolve(process.env.KEYPORT_AGENT_BUNDLE);
  return openKeyportCore({ home: resolveKeyportHome(process.env, process.platform, homedir()), askSecret: askOnTerminal ? secretAsker(io) : undefined, artifacts });
};

process.exitCode = await runCli(process.argv.slice(2), io, openCore);
