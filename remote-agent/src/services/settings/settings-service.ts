import type { SettingsStore } from '../store/settings-store.ts';
import type { ApplyOutcome, XrayManager } from '../xray/xray-manager.ts';
import { impactOf, type ServerSettings, type SettingsPatch } from './server-settings.ts';

export interface SettingsChange {
  settings: ServerSettings;
  /** How Xray took the change; null when nothing but the links changed. */
  applied: ApplyOutcome | null;
}

/** The server's settings: stored first, then applied to Xray in the least disruptive way that can take them. */
export class SettingsService {
  readonly #store: SettingsStore;
  readonly #xray: () => XrayManager;

  constructor(store: SettingsStore, xray: () => XrayManager) {
    this.#store = store;
    this.#xray = xray;
  }

  get(): ServerSettings {
    return this.#store.get();
  }

  async update(patch: SettingsPatch): Promise<SettingsChange> {
    const before = this.#store.get();
    const settings = this.#store.update(patch);
    switch (impactOf(before, settings)) {
      case 'restart':
        // Xray's API changes inbounds, not routing or logging: those need a new process (every connection drops once).
        return { settings, applied: await this.#xray().restart('routing or logging settings changed') };
      case 'inbounds':
        return { settings, applied: await this.#xray().replaceInbounds() };
      default:
        return { settings, applied: null };
    }
  }
}
