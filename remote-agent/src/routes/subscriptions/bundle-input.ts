import type { Static } from '@sinclair/typebox';
import { parseExpiresAt } from '../../api/key-limits.ts';
import type { BundleUsage } from '../../api/subscriptions.ts';
import { badRequest } from '../../lib/http-error.ts';
import { formatTimestamp } from '../../lib/timestamps.ts';
import { parseVlessLink } from '../../lib/vless-link.ts';
import type { OthersUsage } from '../../services/subscriptions/subscription-store.ts';

/** Where in the body a bundle is: `links[3]` of the body itself, or `bundles[7].links[3]` of a bulk write. */
export interface BundlePlace {
  /** The path to the bundle in the body's words ('' for the body itself, `bundles[7].` for an entry). */
  prefix: string;
  /** The facts every refusal of this bundle carries (the entry's index in a bulk write). */
  facts: Record<string, number>;
  /** The fact naming a link's position: index for one bundle, link_index in a bulk write. */
  linkFact: 'index' | 'link_index';
}

/** Each link well-formed (vless-link.ts), or 400 bad_link naming it. */
export function checkLinks(links: readonly string[] | undefined, place: BundlePlace): void {
  links?.forEach((link, position) => {
    const check = parseVlessLink(link);
    if (!check.ok) throw badRequest(`${place.prefix}links[${position}] ${check.detail}`, { ...place.facts, reason: 'bad_link', [place.linkFact]: position });
  });
}

/** The usage as stored (undefined: left out, kept), or 400 bad_usage when synced_at is no moment that exists. */
export function checkedUsage(usage: Static<typeof BundleUsage> | null | undefined, place: BundlePlace): OthersUsage | null | undefined {
  if (usage === undefined || usage === null) return usage;
  const syncedAtMs = parseExpiresAt(usage.synced_at);
  if (syncedAtMs === undefined) {
    throw badRequest(`${place.prefix}usage.synced_at ${JSON.stringify(usage.synced_at)} is not a date and time that exists (UTC)`, {
      ...place.facts,
      reason: 'bad_usage',
      field: 'synced_at',
    });
  }
  return { usedBytes: usage.used_bytes, limitBytes: usage.limit_bytes, syncedAtMs };
}

/** A key's bundle as the API answers it. */
export function bundleJson(keyId: string, bundle: { links: readonly string[]; usage: OthersUsage | null }) {
  const { usage } = bundle;
  return {
    key_id: keyId,
    links: [...bundle.links],
    usage: usage && { used_bytes: usage.usedBytes, limit_bytes: usage.limitBytes, synced_at: formatTimestamp(usage.syncedAtMs) },
  };
}
