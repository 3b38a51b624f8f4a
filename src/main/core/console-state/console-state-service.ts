import type { ConsoleCache } from '../cache/console-cache.ts';
import type { ScryptParams } from '../crypto/passphrase-crypto.ts';
import type { PendingDisables } from '../people/pending-disables.ts';
import type { SecretVault } from '../services/secret-vault.ts';
import { collectConsoleState } from './collect-console-state.ts';
import { EXPORT_FORMAT, EXPORT_VERSION } from './console-export-format.ts';
import { sealExportSecrets } from './export-secrets-seal.ts';
import { importNeeds, type ServerNeed } from './import-needs.ts';
import { planConsoleImport, type ImportPlan, type PinConflict, type ServerImportOutcome } from './plan-console-import.ts';
import type { OpenedConsoleExport } from './read-console-export.ts';
import { writeConsoleExport } from './write-console-export.ts';

export interface ConsoleStateOptions {
  cache: ConsoleCache;
  pending: PendingDisables;
  vault: SecretVault;
  /** Drops what the sessions learned of a server whose record an import changed. */
  forget: (serverId: string) => Promise<void>;
  now?: () => Date;
  /** scrypt's cost for sealing secrets; the default unless a test wants a cheaper one. */
  kdf?: ScryptParams;
}

export interface ExportOptions {
  /** The SSH passwords and passphrases this console stores, encrypted with a passphrase. */
  withSecrets: boolean;
  /** Asked only when there are secrets to seal. */
  askPassphrase: () => Promise<string>;
}

export interface ExportReport {
  file: string;
  sizeBytes: number;
  servers: number;
  hostKeyPins: number;
  pendingDisables: number;
  /** The servers whose SSH secret the file carries, encrypted; null when secrets were not asked for. */
  secrets: string[] | null;
  /** The servers whose stored SSH secret stays out, as secrets were not asked for. */
  secretsLeftOut: string[];
}

export interface ImportReport {
  file: string;
  servers: ServerImportOutcome[];
  hostKeyPins: {
    /** Pins of the servers added or replaced. */
    imported: number;
    /** Skipped servers' pins added to the server here of the same name or id. */
    merged: { server: string; endpoints: string[] }[];
    conflicts: PinConflict[];
  };
  pendingDisables: {
    imported: number;
    /** Left out: their server was skipped for another record of the same name. */
    dropped: number;
    /** This home's own, dropped with a server --replace took the place of. */
    forgotten: number;
  };
  /** Null when the file carries none. `notKept`: no OS keychain here to seal them, so they are asked for when needed. */
  secrets: { kept: string[]; notKept: string[] } | null;
  /** What the servers added or replaced need before Keyport can log in from here. */
  needs: ServerNeed[];
}

/**
 * The console's own state to and from a file, for a new laptop (console-export-format.ts): servers
 * with their SSH settings by reference, trusted host keys, pending disables, and with secrets asked
 * for the stored SSH passwords and passphrases, encrypted. Local faces only: the calls take paths.
 */
export class ConsoleStateService {
  readonly #options: ConsoleStateOptions;

  constructor(options: ConsoleStateOptions) {
    this.#options = options;
  }

  async export(file: string, options: ExportOptions): Promise<ExportReport> {
    const { cache, pending, vault } = this.#options;
    const state = collectConsoleState({ cache, pending, vault }, options.withSecrets);
    const body = {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: (this.#options.now?.() ?? new Date()).toISOString(),
      servers: state.servers,
      pendingDisables: state.pendingDisables,
    } as const;
    const carried = state.secrets === null ? [] : Object.keys(state.secrets.sshSecrets);
    const secrets = state.secrets !== null && carried.length > 0 ? await sealExportSecrets(state.secrets, await options.askPassphrase(), body, this.#options.kdf) : null;
    const sizeBytes = await writeConsoleExport(file, { ...body, secrets });
    const names = new Map(state.servers.map((server) => [server.id, server.name]));
    return {
      file,
      sizeBytes,
      servers: state.servers.length,
      hostKeyPins: state.servers.reduce((sum, server) => sum + Object.keys(server.hostKeyPins).length, 0),
      pendingDisables: state.pendingDisables.length,
      secrets: state.secrets === null ? null : carried.map((id) => names.get(id)!),
      secretsLeftOut: state.secretsLeftOut,
    };
  }

  /**
   * Applies an export read and checked by readConsoleExport: the servers in one transaction of the
   * cache, then the pending disables. Servers whose name or id this home has already are skipped
   * unless `replace` (planConsoleImport).
   */
  async import(opened: OpenedConsoleExport, options: { replace: boolean }): Promise<ImportReport> {
    const { cache, pending, vault } = this.#options;
    const plan = cache.batch(() => {
      const home = cache.listServers().map((server) => ({ server, trustedKeys: cache.serverCredentials(server.id)?.trustedKeys ?? {} }));
      const planned = planConsoleImport(home, opened, options.replace);
      applyToCache(cache, vault, planned);
      return planned;
    });
    const removed = new Set(plan.removals.map((removal) => removal.id));
    const forgotten = pending.all().filter((entry) => removed.has(entry.serverId)).length;
    if (forgotten > 0) pending.remove((entry) => removed.has(entry.serverId));
    if (plan.pending.length > 0) pending.add(plan.pending);
    for (const id of [...removed, ...plan.saves.map((save) => save.server.id), ...plan.pinMerges.map((merge) => merge.server.id)]) await this.#options.forget(id);

    const kept = (save: ImportPlan['saves'][number]) => save.sshSecret !== null && vault.available;
    return {
      file: opened.file,
      servers: plan.outcomes,
      hostKeyPins: {
        imported: plan.saves.reduce((sum, save) => sum + Object.keys(save.trustedKeys).length, 0),
        merged: plan.pinMerges.map((merge) => ({ server: merge.server.name, endpoints: merge.endpoints })),
        conflicts: plan.pinConflicts,
      },
      pendingDisables: { imported: plan.pending.length, dropped: plan.pendingDropped, forgotten },
      secrets:
        opened.secrets === null
          ? null
          : {
              kept: plan.saves.filter(kept).map((save) => save.server.name),
              notKept: plan.saves.filter((save) => save.sshSecret !== null && !kept(save)).map((save) => save.server.name),
            },
      needs: plan.saves.flatMap((save) => importNeeds(save.server, kept(save))),
    };
  }
}

function applyToCache(cache: ConsoleCache, vault: SecretVault, plan: ImportPlan): void {
  for (const removal of plan.removals) cache.removeServer(removal.id);
  for (const save of plan.saves) {
    const sealedSecret = save.sshSecret !== null && vault.available ? vault.seal(save.sshSecret) : null;
    cache.saveServer(save.server, { sealedSecret, trustedKeys: save.trustedKeys });
  }
  for (const merge of plan.pinMerges) cache.saveServer(merge.server, { trustedKeys: merge.trustedKeys });
}
