import { app } from 'electron';
import { join } from 'node:path';
import type { AgentArtifacts } from '../core/deploy/agent-artifacts.ts';
import { checkoutArtifacts } from '../core/deploy/agent-artifacts.ts';

/** What deploy uploads: from the app's resources when packaged, from the checkout in development. */
export function shellArtifacts(): AgentArtifacts {
  if (!app.isPackaged) return checkoutArtifacts(app.getAppPath());
  return {
    bundlePath: join(process.resourcesPath, 'agent', 'keyport-agent.mjs'),
    agentVersion: app.getVersion(),
    runtimeSearchDirs: [process.resourcesPath],
  };
}
