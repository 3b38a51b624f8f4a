import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What a deploy uploads, found on this machine. */
export interface AgentArtifacts {
  /** The bundled agent, `out/agent/keyport-agent.mjs` in a checkout, `resources/agent/...` when packaged. */
  bundlePath: string;
  /** Names the release on the server; the console's own version, since console and agent ship together. */
  agentVersion: string;
  /**
   * Directories searched for the Node runtime of the server's arch: a checkout's node_modules
   * (`node-linux-<arch>/bin/node`) and build/ (`runtimes/linux-<arch>/node`, from
   * `npm run fetch:runtimes`), or a packaged app's resources (`runtimes/linux-<arch>/node`).
   */
  runtimeSearchDirs: string[];
}

const CHECKOUT_ROOT = resolve(import.meta.dirname, '../../../..');

/**
 * The artifacts of a source checkout (the CLI, the tests): built by `npm run build:agent`, the x64
 * runtime from `npm ci`, the arm64 one from `npm run fetch:runtimes` (npm will not install a
 * package for another CPU as a dependency).
 */
export function checkoutArtifacts(root: string = CHECKOUT_ROOT): AgentArtifacts {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return {
    bundlePath: join(root, 'out', 'agent', 'keyport-agent.mjs'),
    agentVersion: version,
    runtimeSearchDirs: [join(root, 'node_modules'), join(root, 'build')],
  };
}
