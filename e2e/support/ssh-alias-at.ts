import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../test-support/wait.ts';
import type { TestServer } from '../harness/test-server.ts';

const SSH_PORT = 22;

/**
 * Lets the console reach a test server at `address` (its address on a link of its own, as
 * harness/outside-network.ts makes), as it reaches a VPS at its public address: sshd listens there
 * inside the server, and `alias` in the ~/.ssh/config of `home` gets there through the server's
 * entrance on the host's 127.0.0.1 (ProxyJump), the host having no route into the namespace. A
 * server added by that alias writes `address` into its keys' links and subscription URLs, so a
 * phone on that link uses them as given.
 */
export async function sshAliasAt(home: string, alias: string, server: TestServer, address: string): Promise<void> {
  server.serveSshInside(SSH_PORT, address);
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  appendFileSync(
    join(home, '.ssh', 'config'),
    [`Host ${alias}`, `  HostName ${address}`, `  Port ${SSH_PORT}`, '  User root', `  IdentityFile ${server.clientKeyPath}`, `  ProxyJump root@127.0.0.1:${server.sshPort}`, ''].join('\n'),
    { mode: 0o600 },
  );
  await waitFor(`sshd on [${address}]:${SSH_PORT} inside ${server.namespace}`, () => (server.exec('ss', ['-Hltn', `sport = :${SSH_PORT}`]).trim() ? true : undefined), 10_000);
}
