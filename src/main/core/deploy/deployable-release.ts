import { stat } from 'node:fs/promises';
import type { AgentArtifacts } from './agent-artifacts.ts';
import { fileSha256 } from './file-sha256.ts';
import { releaseName } from './remote-layout.ts';

let remembered: { path: string; mtimeMs: number; release: string } | undefined;

/** The release a deploy would create now; hashed once per bundle file change. Null without a bundle. */
export async function deployableRelease(artifacts: AgentArtifacts): Promise<string | null> {
  const info = await stat(artifacts.bundlePath).catch(() => null);
  if (!info) return null;
  if (remembered?.path !== artifacts.bundlePath || remembered.mtimeMs !== info.mtimeMs) {
    remembered = { path: artifacts.bundlePath, mtimeMs: info.mtimeMs, release: releaseName(artifacts.agentVersion, await fileSha256(artifacts.bundlePath)) };
  }
  return remembered.release;
}
