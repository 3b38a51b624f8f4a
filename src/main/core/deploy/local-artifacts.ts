import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { ServerFacts } from '../../../shared/contract/deploy.ts';
import type { AgentArtifacts } from './agent-artifacts.ts';
import { fileSha256 } from './file-sha256.ts';

export interface LocalFile {
  path: string;
  sha256: string;
}

export interface LocalArtifacts {
  runtime: LocalFile;
  bundle: LocalFile;
  agentVersion: string;
}

/** Finds and hashes the runtime for `arch` and the agent bundle, or says what is missing and how to get it. */
export async function resolveLocalArtifacts(artifacts: AgentArtifacts, arch: ServerFacts['arch']): Promise<LocalArtifacts> {
  if (!/^[0-9A-Za-z.+_-]+$/.test(artifacts.agentVersion)) {
    throw new KeyportError('bad-input', `"${artifacts.agentVersion}" cannot name a release`);
  }
  const runtimePath = artifacts.runtimeSearchDirs
    .flatMap((dir) => [join(dir, `node-linux-${arch}`, 'bin', 'node'), join(dir, 'runtimes', `linux-${arch}`, 'node')])
    .find((candidate) => existsSync(candidate));
  if (!runtimePath) {
    throw new KeyportError(
      'unsupported-server',
      `no Node runtime for linux-${arch} is bundled with this console, so it cannot deploy to this server; ` +
        `from a source checkout, run \`npm run fetch:runtimes\` to fetch it (searched ${artifacts.runtimeSearchDirs.join(', ')})`,
      { arch },
    );
  }
  if (!existsSync(artifacts.bundlePath)) {
    throw new KeyportError('deploy-failed', `the agent bundle ${artifacts.bundlePath} is missing; run \`npm run build:agent\` first`);
  }
  const [runtimeSha, bundleSha] = await Promise.all([fileSha256(runtimePath), fileSha256(artifacts.bundlePath)]);
  return {
    runtime: { path: runtimePath, sha256: runtimeSha },
    bundle: { path: artifacts.bundlePath, sha256: bundleSha },
    agentVersion: artifacts.agentVersion,
  };
}
