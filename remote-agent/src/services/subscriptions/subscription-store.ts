import type { DatabaseSync } from 'node:sqlite';
import { timingSafeEqual } from 'node:crypto';
import { inTransaction, prepareAll, type Statements } from '../store/database.ts';
import { newSubscriptionToken, tokenDigest } from './subscription-token.ts';

/** The person's figures on their other servers, as the console last synced them (BundleUsage). */
export interface OthersUsage {
  usedBytes: number;
  /** null: one of those keys has no quota. */
  limitBytes: number | null;
  syncedAtMs: number;
}

/** A change to one key's bundle: what is left out stays as it is; usage null clears it. */
export interface BundleChange {
  keyId: string;
  links?: readonly string[];
  usage?: OthersUsage | null;
}

interface Entry {
  token: string;
  digest: Buffer;
  links: readonly string[];
  usage: OthersUsage | null;
}

const SQL = {
  selectAll: 'SELECT key_id, token, links, usage FROM key_subscriptions',
  insert: 'INSERT INTO key_subscriptions (key_id, token) VALUES (?, ?)',
  setToken: 'UPDATE key_subscriptions SET token = ? WHERE key_id = ?',
  setBundle: 'UPDATE key_subscriptions SET links = ?, usage = ? WHERE key_id = ?',
} as const;

// Stored as JSON text in key_subscriptions.usage, by the API's names.
const usageText = (usage: OthersUsage | null) =>
  usage === null ? null : JSON.stringify({ used_bytes: usage.usedBytes, limit_bytes: usage.limitBytes, synced_at_ms: usage.syncedAtMs });

function usageOf(text: string | null): OthersUsage | null {
  if (text === null) return null;
  const stored = JSON.parse(text) as { used_bytes: number; limit_bytes: number | null; synced_at_ms: number };
  return { usedBytes: stored.used_bytes, limitBytes: stored.limit_bytes, syncedAtMs: stored.synced_at_ms };
}

// Compared against on a miss, so a miss does the same work as a hit.
const DECOY_DIGEST = tokenDigest('');

/**
 * Each key's subscription token and bundle, links and usage (key_subscriptions), read once and kept in memory: the
 * public listener answers from memory only, a hit and a miss alike. Rows go with their key (ON
 * DELETE CASCADE); `forget` drops the copy.
 */
export class SubscriptionStore {
  readonly #db: DatabaseSync;
  readonly #sql: Statements<typeof SQL>;
  readonly #byKey = new Map<string, Entry>();
  /** base64 of a token's SHA-256 to its key. */
  readonly #byDigest = new Map<string, string>();

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#sql = prepareAll(db, SQL);
    this.reloadFromDatabase();
  }

  /** Forgets the copy in memory and reads every row again (after a restore replaced them). */
  reloadFromDatabase(): void {
    this.#byKey.clear();
    this.#byDigest.clear();
    for (const row of this.#sql.selectAll.all() as Array<{ key_id: string; token: string; links: string; usage: string | null }>) {
      this.#remember(row.key_id, row.token, JSON.parse(row.links) as string[], usageOf(row.usage));
    }
  }

  /** Gives each of `keyIds` without a token one, in one transaction (new keys). */
  issue(keyIds: readonly string[]): void {
    const missing = keyIds.filter((id) => !this.#byKey.has(id)).map((id) => [id, newSubscriptionToken()] as const);
    if (missing.length === 0) return;
    inTransaction(this.#db, () => {
      for (const [id, token] of missing) this.#sql.insert.run(id, token);
    });
    for (const [id, token] of missing) this.#remember(id, token, [], null);
  }

  tokenOf(keyId: string): string | undefined {
    return this.#byKey.get(keyId)?.token;
  }

  links(keyId: string): readonly string[] {
    return this.#byKey.get(keyId)?.links ?? [];
  }

  usage(keyId: string): OthersUsage | null {
    return this.#byKey.get(keyId)?.usage ?? null;
  }

  /** Writes the changes in one transaction, all or none; the copy in memory follows once they are stored. */
  setBundles(changes: readonly BundleChange[]): void {
    const written = changes.map((change) => {
      const entry = this.#byKey.get(change.keyId);
      if (!entry) throw new Error(`key ${change.keyId} has no subscription row`);
      return { entry, links: change.links ? [...change.links] : entry.links, usage: change.usage === undefined ? entry.usage : change.usage, keyId: change.keyId };
    });
    inTransaction(this.#db, () => {
      for (const { keyId, links, usage } of written) this.#sql.setBundle.run(JSON.stringify(links), usageText(usage), keyId);
    });
    for (const { entry, links, usage } of written) Object.assign(entry, { links, usage });
  }

  /** A new token for the key; the old one finds nothing from now on. */
  rotate(keyId: string): string {
    const entry = this.#byKey.get(keyId);
    if (!entry) throw new Error(`key ${keyId} has no subscription row`);
    const token = newSubscriptionToken();
    this.#sql.setToken.run(token, keyId);
    this.#byDigest.delete(entry.digest.toString('base64'));
    this.#remember(keyId, token, entry.links, entry.usage);
    return token;
  }

  forget(keyId: string): void {
    const entry = this.#byKey.get(keyId);
    if (!entry) return;
    this.#byKey.delete(keyId);
    this.#byDigest.delete(entry.digest.toString('base64'));
  }

  /**
   * The key whose token `token` is. The map is keyed by the token's digest, so how long the lookup
   * takes depends on a hash the caller cannot steer; the digests are then compared in constant
   * time, against a decoy on a miss.
   */
  find(token: string): string | undefined {
    const digest = tokenDigest(token);
    const keyId = this.#byDigest.get(digest.toString('base64'));
    const stored = keyId === undefined ? undefined : this.#byKey.get(keyId)?.digest;
    const same = timingSafeEqual(stored ?? DECOY_DIGEST, digest);
    return same && stored !== undefined ? keyId : undefined;
  }

  #remember(keyId: string, token: string, links: readonly string[], usage: OthersUsage | null): void {
    const digest = tokenDigest(token);
    this.#byKey.set(keyId, { token, digest, links, usage });
    this.#byDigest.set(digest.toString('base64'), keyId);
  }
}
