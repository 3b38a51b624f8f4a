import { BUNDLE_MAX_LINKS } from '../../../../remote-agent/src/api/subscriptions.ts';

/** One key of a person and its own vless:// link (null when it was never read). */
export interface LinkedKey {
  serverId: string;
  keyId: string;
  /** Only keys the admin has not disabled are offered to the person's apps. */
  isActive: boolean;
  vlessUrl: string | null;
}

/**
 * Each key's bundle: the links of the person's other keys, on the other servers, that the admin
 * has not disabled, in the order given (at most the agent's BUNDLE_MAX_LINKS).
 */
export function bundleLinks(keys: readonly LinkedKey[]): { serverId: string; keyId: string; links: string[] }[] {
  return keys.map((key) => ({
    serverId: key.serverId,
    keyId: key.keyId,
    links: keys
      .filter((other) => other.serverId !== key.serverId && other.isActive && other.vlessUrl !== null)
      .map((other) => other.vlessUrl!)
      .slice(0, BUNDLE_MAX_LINKS),
  }));
}
