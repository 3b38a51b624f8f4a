import { existsSync, readFileSync } from 'node:fs';
import type { ServerInfo } from '../../../shared/contract/servers.ts';
import { expandHome } from '../services/server-sessions.ts';
import { keyNeedsPassphrase } from '../ssh/private-key-file.ts';

/**
 * What an imported server needs on this laptop before Keyport can log in, as facts a face words.
 * `key-file-missing` is a warning: the file names a key this laptop does not have (yet).
 * The agent's API key needs nothing: Keyport reads it from the server over SSH on first connect.
 */
export type ServerNeed =
  | { server: string; need: 'key-file-missing'; path: string }
  | { server: string; need: 'key-passphrase'; path: string }
  | { server: string; need: 'password' }
  /** ssh-agent with the server's key loaded; `agentRunning` says whether SSH_AUTH_SOCK is set here now. */
  | { server: string; need: 'ssh-agent'; agentRunning: boolean };

/** The needs of a server whose SSH secret is kept here (`secretKept`) or not. */
export function importNeeds(server: ServerInfo, secretKept: boolean, env: Readonly<Record<string, string | undefined>> = process.env): ServerNeed[] {
  const { auth } = server.target;
  switch (auth.method) {
    case 'password':
      return secretKept ? [] : [{ server: server.name, need: 'password' }];
    case 'agent':
      return [{ server: server.name, need: 'ssh-agent', agentRunning: Boolean(env.SSH_AUTH_SOCK) }];
    case 'key': {
      const path = expandHome(auth.keyPath);
      if (!existsSync(path)) return [{ server: server.name, need: 'key-file-missing', path }];
      if (secretKept) return [];
      let privateKey: Buffer;
      try {
        privateKey = readFileSync(path);
      } catch {
        // There but unreadable: the first connect says why, as it would for any server.
        return [];
      }
      return keyNeedsPassphrase(privateKey) ? [{ server: server.name, need: 'key-passphrase', path }] : [];
    }
  }
}
