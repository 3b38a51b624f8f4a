import { BLOCK_OUTBOUND_TAG } from './private-destinations.ts';
import { expectedRouting } from './xray-config.ts';

export interface RoutingCheck {
  /** The file's routing and outbounds are exactly what the agent writes for this setting. */
  in_sync: boolean;
  /** Whether the file sends loopback and private destinations to the blackhole. */
  private_destinations_blocked: boolean;
  detail: string;
}

/** Compares a config file's routing with what the agent writes, so a rule removed or edited by hand shows. */
export function checkRouting(config: { routing?: unknown; outbounds?: unknown } | undefined, allowPrivateDestinations: boolean): RoutingCheck {
  const expected = expectedRouting(allowPrivateDestinations);
  const rules = ((config?.routing as { rules?: unknown[] } | undefined)?.rules ?? []).map((rule) => JSON.stringify(rule));
  const blocked = expectedRouting(false).rules.every((blockRule) => rules.includes(JSON.stringify(blockRule))) && hasBlackhole(config?.outbounds);
  const inSync = JSON.stringify(config?.routing) === JSON.stringify(expected) && hasBlackhole(config?.outbounds);
  let detail: string;
  if (!config) detail = 'no config file';
  else if (inSync) detail = allowPrivateDestinations ? 'VPN users may reach the server and its private networks (allowed by the admin)' : 'VPN users cannot reach the server itself or private networks';
  else if (!allowPrivateDestinations && !blocked) detail = 'the rule that keeps VPN users off the server and private networks is missing or altered: run sync-config';
  else detail = 'the routing in the config file differs from what the agent writes: run sync-config';
  return { in_sync: inSync, private_destinations_blocked: blocked, detail };
}

function hasBlackhole(outbounds: unknown): boolean {
  return Array.isArray(outbounds) && outbounds.some((outbound) => outbound?.protocol === 'blackhole' && outbound?.tag === BLOCK_OUTBOUND_TAG);
}
