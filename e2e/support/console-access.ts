import { readFileSync } from 'node:fs';
import type { AddServerRequest } from '../../src/shared/contract/servers.ts';
import type { SshLinkOptions } from '../../src/main/core/ssh/ssh-link.ts';
import type { TestServer } from '../harness/test-server.ts';

/** An SSH link's options for a test server as `user`, by the harness's client key, its host key accepted. */
export function testServerLink(server: TestServer, user = 'root'): SshLinkOptions {
  return {
    endpoint: { host: '127.0.0.1', port: server.sshPort, user },
    credentials: { privateKey: readFileSync(server.clientKeyPath) },
    trustedKeys: new Map([[`127.0.0.1:${server.sshPort}`, server.hostKeyFingerprint]]),
  };
}

/** `Fleet.add` for a test server as root, by the harness's client key, its host key accepted. */
export function addTestServer(server: TestServer, name: string): AddServerRequest {
  return {
    name,
    host: '127.0.0.1',
    port: server.sshPort,
    user: 'root',
    auth: { method: 'key', keyPath: server.clientKeyPath },
    acceptedFingerprint: server.hostKeyFingerprint,
  };
}
