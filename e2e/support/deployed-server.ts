import assert from 'node:assert/strict';
import type { TestServer } from '../harness/test-server.ts';
import { keyport } from './keyport-cli.ts';

/** `keyport server add NAME` (its host key accepted) and `server deploy NAME` under `env`'s home: the console's own path onto a fresh server. */
export async function addAndDeploy(name: string, server: TestServer, env: Record<string, string>): Promise<void> {
  const added = await keyport(['server', 'add', name, '--host', '127.0.0.1', '--port', String(server.sshPort), '--key', server.clientKeyPath, '--accept-host-key', server.hostKeyFingerprint], env);
  assert.equal(added.code, 0, added.stderr);
  const deployed = await keyport(['server', 'deploy', name], env);
  assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
}
