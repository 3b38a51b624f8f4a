import { KeyportError } from '../../../shared/contract/errors.ts';
import type { PendingDisable } from '../../../shared/contract/people.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import type { PendingDisables } from '../people/pending-disables.ts';
import type { SecretVault } from '../services/secret-vault.ts';
import type { ExportedServer, ExportSecrets } from './console-export-format.ts';

export interface ConsoleStateSources {
  cache: ConsoleCache;
  pending: Pick<PendingDisables, 'all'>;
  vault: SecretVault;
}

export interface CollectedState {
  servers: ExportedServer[];
  pendingDisables: PendingDisable[];
  /** The stored SSH secrets, opened with the keychain; null unless asked for. */
  secrets: ExportSecrets | null;
  /** Names of the servers whose stored SSH secret stays out of the file, as it was not asked for. */
  secretsLeftOut: string[];
}

/**
 * What an export holds: every server's record and trusted host keys, the pending disables of those
 * servers, and with `withSecrets` the SSH passwords and passphrases the keychain sealed. A stored
 * secret the keychain here cannot open (the CLI has none) fails `bad-input` rather than leave the
 * file without what was asked for. Agent API keys are no part of it: the console never stores
 * them, it reads them from each server over SSH.
 */
export function collectConsoleState({ cache, pending, vault }: ConsoleStateSources, withSecrets: boolean): CollectedState {
  const servers: ExportedServer[] = [];
  const sealed = new Map<string, { name: string; sealedSecret: string }>();
  for (const { lastSyncedAt: _cacheOnly, ...record } of cache.listServers()) {
    const credentials = cache.serverCredentials(record.id);
    servers.push({ ...record, hostKeyPins: credentials?.trustedKeys ?? {} });
    if (credentials?.sealedSecret) sealed.set(record.id, { name: record.name, sealedSecret: credentials.sealedSecret });
  }
  const ids = new Set(servers.map((server) => server.id));
  // A disable left for a server removed since has nothing to do.
  const pendingDisables = pending.all().filter((entry) => ids.has(entry.serverId));
  if (!withSecrets) return { servers, pendingDisables, secrets: null, secretsLeftOut: [...sealed.values()].map((entry) => entry.name) };
  return { servers, pendingDisables, secrets: { sshSecrets: openSecrets(sealed, vault) }, secretsLeftOut: [] };
}

function openSecrets(sealed: ReadonlyMap<string, { name: string; sealedSecret: string }>, vault: SecretVault): Record<string, string> {
  const opened: Record<string, string> = {};
  const unopened: string[] = [];
  for (const [serverId, { name, sealedSecret }] of sealed) {
    try {
      if (!vault.available) throw new Error('no keychain');
      opened[serverId] = vault.open(sealedSecret);
    } catch {
      unopened.push(name);
    }
  }
  if (unopened.length > 0) {
    throw new KeyportError(
      'bad-input',
      `the stored SSH secrets of ${unopened.join(', ')} are sealed by an OS keychain this console cannot open, so an export with secrets cannot carry them; nothing was written`,
      { field: 'with-secrets', servers: unopened.join(', '), reason: 'secrets-sealed-elsewhere' },
    );
  }
  return opened;
}
