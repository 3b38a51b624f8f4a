import { parseVlessLink, type VlessLink } from '../../lib/vless-link.ts';
import { serves, type KeyRecord } from '../store/key-store.ts';
import { keyLink, type LinkSource } from './key-link.ts';
import { singBoxConfig } from './sing-box-config.ts';
import type { BundleChange, OthersUsage, SubscriptionStore } from './subscription-store.ts';

/** How often apps are told to fetch the subscription again. */
export const PROFILE_UPDATE_INTERVAL_HOURS = 6;

export type SubscriptionFormat = 'base64' | 'sing-box';

export interface SubscriptionAnswer {
  status: 200 | 404;
  headers: Record<string, string>;
  body: string;
}

export interface SubscriptionsOptions {
  store: SubscriptionStore;
  links: LinkSource;
  /** The key with this id, if any (from memory). */
  key: (keyId: string) => KeyRecord | undefined;
  /** Used bytes of the key's current quota period (from memory). */
  usedBytes: (keyId: string) => number;
  /** Where the links point now (`https://host:port`, no trailing slash); undefined while the listener is off. */
  urlBase: () => string | undefined;
}

const NOT_FOUND: SubscriptionAnswer = { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'not found\n' };

// Rendered in place of a key on a miss, so a miss costs what a hit does.
const DECOY: KeyRecord = {
  id: 'decoy', name: 'decoy', uuid: '00000000-0000-4000-8000-000000000000', port: 1, isActive: true, createdAtMs: 0,
  dataLimitBytes: null, dataLimitReset: 'no_reset', expiresAtMs: null, note: '', periodStartedAtMs: null, limitStatus: 'active',
};

/**
 * What `GET /sub/{token}` answers: the person's links (this key's, then its bundle's), as base64
 * lines or a sing-box config, with the headers apps read. Everything comes from memory.
 *
 * A key over its quota or past its expiry lists nothing: the limits are the person's, and the app
 * shows the headers (quota, expiry) and why. A key the admin disabled leaves its own link out but
 * lists its bundle, the person's keys on other servers that the admin has not disabled (as the
 * console last pushed them): after a move off this server, the app that refreshes the URL it has
 * switches to the new server; for a person disabled everywhere the bundle is empty.
 */
export class Subscriptions {
  readonly #o: SubscriptionsOptions;

  constructor(options: SubscriptionsOptions) {
    this.#o = options;
  }

  /** The key's subscription link; null while the listener is off. */
  urlOf(keyId: string): string | null {
    const token = this.#o.store.tokenOf(keyId);
    const urlBase = this.#o.urlBase();
    return urlBase === undefined || token === undefined ? null : `${urlBase}/sub/${token}`;
  }

  /** The links of the person's other servers the key's subscription lists, and their usage there. */
  bundle(keyId: string): { links: readonly string[]; usage: OthersUsage | null } {
    return { links: this.#o.store.links(keyId), usage: this.#o.store.usage(keyId) };
  }

  /** Stores the bundles, all or none; the caller has checked each link (parseVlessLink). */
  setBundles(changes: readonly BundleChange[]): void {
    this.#o.store.setBundles(changes);
  }

  /** A new token for the key: its old URL answers 404 from now on. */
  rotate(keyId: string): void {
    this.#o.store.rotate(keyId);
  }

  answer(token: string, format: SubscriptionFormat): SubscriptionAnswer {
    const keyId = this.#o.store.find(token);
    const key = keyId === undefined ? undefined : this.#o.key(keyId);
    if (!key) {
      this.#render(DECOY, [], format);
      return NOT_FOUND;
    }
    return this.#render(key, this.#o.store.links(key.id), format);
  }

  #render(key: KeyRecord, bundle: readonly string[], format: SubscriptionFormat): SubscriptionAnswer {
    const links = serves(key) ? [keyLink(this.#o.links, key), ...bundle] : key.limitStatus === 'active' ? bundle : [];
    const body = format === 'sing-box' ? `${JSON.stringify(singBoxConfig(links.map(parsed)), null, 2)}\n` : Buffer.from(links.join('\n')).toString('base64');
    const extension = format === 'sing-box' ? 'json' : 'txt';
    return {
      status: 200,
      headers: {
        'content-type': format === 'sing-box' ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
        'subscription-userinfo': userInfo(key, this.#o.usedBytes(key.id), this.#o.store.usage(key.id)),
        'profile-title': profileTitle(key.name),
        'profile-update-interval': String(PROFILE_UPDATE_INTERVAL_HOURS),
        'content-disposition': `attachment; filename="keyport.${extension}"; filename*=UTF-8''${extValue(key.name)}.${extension}`,
      },
      body,
    };
  }
}

/**
 * The person's figures: this key's, plus those of their other servers as the console last pushed
 * them. The agent counts a quota's period as one figure (rx + tx, used_bytes), so all of it is
 * given as download and upload is 0: upload + download is what the quota compares with total. A
 * total of 0 is unlimited to apps: so it is when any of the person's keys has no quota.
 */
function userInfo(key: KeyRecord, usedBytes: number, others: OthersUsage | null): string {
  const expire = key.expiresAtMs === null ? 0 : Math.floor(key.expiresAtMs / 1000);
  const download = Math.min(Number.MAX_SAFE_INTEGER, usedBytes + (others?.usedBytes ?? 0));
  const unlimited = key.dataLimitBytes === null || (others !== null && others.limitBytes === null);
  const total = unlimited ? 0 : Math.min(Number.MAX_SAFE_INTEGER, key.dataLimitBytes! + (others?.limitBytes ?? 0));
  return `upload=0; download=${download}; total=${total}; expire=${expire}`;
}

/** Header values are Latin-1 at best: a name with anything beyond printable ASCII goes base64, as apps read it. */
function profileTitle(name: string): string {
  return /^[\x20-\x7e]*$/.test(name) ? name : `base64:${Buffer.from(name).toString('base64')}`;
}

/** RFC 8187's ext-value: encodeURIComponent leaves ' ( ) * ! as they are, which it does not allow. */
const extValue = (text: string) => encodeURIComponent(text).replace(/['()*!]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

function parsed(text: string): VlessLink {
  const check = parseVlessLink(text);
  // Bundles are checked when stored, and the agent's own link is well-formed by construction.
  if (!check.ok) throw new Error(`a stored link is not well-formed: ${check.detail}`);
  return check.link;
}
