import { KeyportError } from '../../../shared/contract/errors.ts';
import type { ServerInfo } from '../../../shared/contract/servers.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import { probeHostKey, type SshCredentials, type SshEndpoint } from '../ssh/ssh-link.ts';
import { findServer } from './server-directory.ts';
import { endpointOf, jumpsOf, type ServerSessions } from './server-sessions.ts';

/** OpenSSH's SHA256 fingerprint: 32 bytes of unpadded base64. */
export const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export interface HostKeyTrustDeps {
  cache: ConsoleCache;
  sessions: ServerSessions;
}

/**
 * Accepts a server's new or never accepted host key (or a ProxyJump hop's) after the admin checked
 * it: the key the route presents now, hop by hop, must be the one given, else nothing changes. The
 * server keeps its id, keys and history; only its trusted key is replaced.
 */
export async function trustHostKey(deps: HostKeyTrustDeps, serverName: string, fingerprint: string): Promise<ServerInfo> {
  const { cache, sessions } = deps;
  const server = findServer(cache, serverName);
  if (typeof fingerprint !== 'string' || !FINGERPRINT.test(fingerprint)) {
    throw new KeyportError('bad-input', 'a host key fingerprint is SHA256: and 43 base64 characters, as ssh-keygen -lf prints it', { fingerprint: String(fingerprint) });
  }
  const trusted = new Map(Object.entries(cache.serverCredentials(server.id)?.trustedKeys ?? {}));
  const jumps = jumpsOf(server.target);
  const route = [...jumps, endpointOf(server.target)];
  // A direct target shows its key before any login; hops are logged in to, so they need the login.
  let credentials: SshCredentials | undefined;
  let accepted = false;
  for (const [index, endpoint] of route.entries()) {
    const where = endpointName(endpoint);
    if (index > 0) credentials ??= await sessions.credentials(server);
    const presented = await probeHostKey(endpoint, { jumps: route.slice(0, index), credentials, trustedKeys: trusted });
    if (presented.fingerprint === trusted.get(where)) continue;
    if (presented.fingerprint === fingerprint) {
      trusted.set(where, fingerprint);
      accepted = true;
      continue;
    }
    // A later endpoint with another new key waits for its own check: the next status names it.
    if (accepted) break;
    throw new KeyportError(
      trusted.has(where) ? 'host-key-changed' : 'host-key-unknown',
      `${where} presents the host key ${presented.keyType} ${presented.fingerprint}, not ${fingerprint}: nothing was trusted. ` +
        'Check the key on the server (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) and give the one it prints.',
      {
        server: server.name,
        endpoint: where,
        expected: trusted.get(where) ?? null,
        presented: presented.fingerprint,
        keyType: presented.keyType,
        given: fingerprint,
      },
    );
  }
  if (accepted) {
    const target = trusted.get(endpointName(route.at(-1)!)) ?? server.hostKeyFingerprint;
    const updated: ServerInfo = { ...server, hostKeyFingerprint: target };
    cache.saveServer(updated, { trustedKeys: Object.fromEntries(trusted) });
    // The open link still holds the old key; the next call connects with the new one.
    await sessions.forget(server.id);
    return updated;
  }
  if (route.some((endpoint) => trusted.get(endpointName(endpoint)) === fingerprint)) return server;
  throw new KeyportError(
    'bad-input',
    `${server.name} and its jump hosts present the keys Keyport trusts already, and ${fingerprint} is not the server's: nothing was trusted`,
    { server: server.name, given: fingerprint },
  );
}

function endpointName(endpoint: SshEndpoint): string {
  return `${endpoint.host}:${endpoint.port}`;
}
