import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PendingDisable } from '../../../../shared/contract/people.ts';
import type { ServerInfo } from '../../../../shared/contract/servers.ts';
import { ConsoleCache } from '../../cache/console-cache.ts';
import { CACHE_FILE_NAME, PENDING_DISABLES_FILE_NAME } from '../../keyport-core.ts';
import { PendingDisables } from '../../people/pending-disables.ts';
import { NO_VAULT, type SecretVault } from '../../services/secret-vault.ts';
import { ConsoleStateService } from '../console-state-service.ts';

/** A keychain stand-in that really transforms what it seals, so a plain copy anywhere would show. */
export const reversingVault: SecretVault = {
  available: true,
  seal: (plain) => `sealed:${Buffer.from([...plain].reverse().join('')).toString('base64')}`,
  open: (sealed) => [...Buffer.from(sealed.slice('sealed:'.length), 'base64').toString()].reverse().join(''),
};

/** The cheapest scrypt a reader takes, to keep the tests quick. */
export const CHEAP_SCRYPT = { log2N: 15, r: 8, p: 1 };

export interface ConsoleHome {
  dir: string;
  cache: ConsoleCache;
  pending: PendingDisables;
  service: ConsoleStateService;
  /** Every server with its trusted keys and sealed secret, as the cache holds them. */
  state(): { server: ServerInfo; trustedKeys: Record<string, string>; sealedSecret: string | null }[];
  pendingDisables(): PendingDisable[];
  close(): void;
}

/** A keyport home's real cache file and pending disables under `dir`, with the export service over them. */
export function openConsoleHome(dir: string, vault: SecretVault = NO_VAULT): ConsoleHome {
  const cache = new ConsoleCache(join(dir, CACHE_FILE_NAME));
  const pending = new PendingDisables(join(dir, PENDING_DISABLES_FILE_NAME));
  const service = new ConsoleStateService({ cache, pending, vault, forget: async () => {}, kdf: CHEAP_SCRYPT });
  return {
    dir,
    cache,
    pending,
    service,
    state: () =>
      cache.listServers().map((server) => {
        const credentials = cache.serverCredentials(server.id)!;
        return { server, trustedKeys: credentials.trustedKeys, sealedSecret: credentials.sealedSecret };
      }),
    pendingDisables: () => pending.all(),
    close: () => cache.close(),
  };
}

/** Every file under `dir` with its bytes and mode, to compare before and after; null when `dir` does not exist. */
export function snapshotDir(dir: string): Record<string, { mode: number; bytes: string }> | null {
  if (!existsSync(dir)) return null;
  const files: Record<string, { mode: number; bytes: string }> = {};
  const walk = (at: string, prefix: string) => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      const info = statSync(path);
      if (info.isDirectory()) walk(path, `${prefix}${name}/`);
      else files[`${prefix}${name}`] = { mode: info.mode, bytes: readFileSync(path).toString('base64') };
    }
  };
  walk(dir, '');
  return files;
}
