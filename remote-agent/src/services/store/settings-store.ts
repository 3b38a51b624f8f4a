import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { ServerSettings, SettingsPatch } from '../settings/server-settings.ts';
import { inTransaction } from './database.ts';

const NAMES = {
  linkHost: 'link_host',
  realityTarget: 'reality_target',
  realityServerNames: 'reality_server_names',
  realityFingerprint: 'reality_fingerprint',
  allowPrivateDestinations: 'allow_private_destinations',
  accessLog: 'access_log',
} as const satisfies Record<keyof ServerSettings, string>;

/**
 * The settings table. A setting never stored takes its seed (the flags, or what an older agent's
 * Xray config held) and is stored at once, so later flag defaults never change a running server.
 */
export class SettingsStore {
  readonly #db: DatabaseSync;
  readonly #upsert: StatementSync;
  #current: ServerSettings;

  constructor(db: DatabaseSync, seed: ServerSettings) {
    this.#db = db;
    this.#upsert = db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value');
    const stored = new Map(
      (db.prepare('SELECT name, value FROM settings').all() as Array<{ name: string; value: string }>).map((row) => [row.name, row.value]),
    );
    const current = { ...seed } as Record<keyof ServerSettings, unknown>;
    const missing: SettingsPatch = {};
    for (const [field, name] of Object.entries(NAMES) as Array<[keyof ServerSettings, string]>) {
      const value = stored.get(name);
      if (value === undefined) (missing as Record<string, unknown>)[field] = seed[field];
      else current[field] = JSON.parse(value);
    }
    this.#current = current as unknown as ServerSettings;
    this.#write(missing);
  }

  get(): ServerSettings {
    return this.#current;
  }

  /** The settings as the table holds them now (a restore wrote it), not taken yet: JSON that does not parse throws. */
  readStored(): ServerSettings {
    const stored = { ...this.#current } as Record<keyof ServerSettings, unknown>;
    const fieldOf = new Map<string, keyof ServerSettings>(Object.entries(NAMES).map(([field, name]) => [name, field as keyof ServerSettings]));
    for (const row of this.#db.prepare('SELECT name, value FROM settings').all() as Array<{ name: string; value: string }>) {
      const field = fieldOf.get(row.name);
      if (field !== undefined) stored[field] = JSON.parse(row.value);
    }
    return stored as unknown as ServerSettings;
  }

  /** Takes settings that readStored gave as the current ones. */
  adopt(settings: ServerSettings): void {
    this.#current = settings;
  }

  update(patch: SettingsPatch): ServerSettings {
    this.#write(patch);
    this.#current = { ...this.#current, ...patch };
    return this.#current;
  }

  #write(patch: SettingsPatch): void {
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    inTransaction(this.#db, () => {
      for (const [field, value] of entries) this.#upsert.run(NAMES[field as keyof ServerSettings], JSON.stringify(value));
    });
  }
}
