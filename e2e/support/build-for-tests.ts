import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');

/** Builds the agent bundle that deploys upload. */
export function buildAgent(): void {
  execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
}

/** Builds the agent bundle and the window web mode serves. */
export function buildAgentAndWindow(): void {
  buildAgent();
  execFileSync(join(REPO, 'node_modules/.bin/electron-vite'), ['build'], { cwd: REPO, stdio: 'ignore' });
}
