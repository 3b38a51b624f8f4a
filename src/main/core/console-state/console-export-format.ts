import type { PendingDisable } from '../../../shared/contract/people.ts';
import type { ServerInfo } from '../../../shared/contract/servers.ts';

/**
 * The console's own state as a file (`keyport export`), for a new laptop: one JSON document.
 * A reader refuses any other `format`, and any `version` but the ones it knows; a change of shape
 * is a new version. The cache (keys, history, snapshots) is not in it: it refills from the servers.
 */
export const EXPORT_FORMAT = 'keyport-console-export';
export const EXPORT_VERSION = 1;

/**
 * A server as exported: its record without what only the cache learned (`lastSyncedAt`), and the
 * host keys it trusts, by `host:port` (the server's and its ProxyJump hops'). SSH settings are
 * references: the alias, host, user and port, and a key file's path, never the key itself. Fields
 * of the record this Keyport does not know (a newer one's) ride along unchanged.
 */
export type ExportedServer = Omit<ServerInfo, 'lastSyncedAt'> & { hostKeyPins: Record<string, string> };

/** The secrets of `--with-secrets`, encrypted with the export's passphrase (passphrase-crypto.ts); bytes in base64. */
export interface SealedExportSecrets {
  cipher: 'aes-256-gcm';
  kdf: { name: 'scrypt'; log2N: number; r: number; p: number };
  salt: string;
  nonce: string;
  verifier: string;
  ciphertext: string;
  tag: string;
}

/** What `--with-secrets` carries once opened: each server's SSH password or key passphrase, by server id. */
export interface ExportSecrets {
  sshSecrets: Record<string, string>;
}

/** The parts of the document its checksum covers, in the order they are written. */
export interface ExportBody {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  /** ISO 8601. */
  exportedAt: string;
  servers: ExportedServer[];
  /** The disables `people move --disable-after` left for later, on the exported servers. */
  pendingDisables: PendingDisable[];
  secrets: SealedExportSecrets | null;
}

export interface ConsoleExportDocument extends ExportBody {
  /** SHA-256 (hex) of the body as JSON (export-digest.ts): a file cut short or changed anywhere is refused. */
  sha256: string;
}
