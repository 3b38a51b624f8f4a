import { hostInUrl } from '../../api/link-host.ts';
import type { SubscriptionFlags } from '../../config/agent-flags.ts';

/**
 * What subscription links start with now: the flags' URL base, with the link host setting in place
 * of --public-host when that base was derived from it. Undefined while the listener is off.
 */
export function subscriptionUrlBase(flags: SubscriptionFlags | undefined, linkHostSetting: string | null): string | undefined {
  if (!flags) return undefined;
  if (linkHostSetting === null || !flags.urlBaseFollowsHost) return flags.urlBase;
  return `${flags.tls ? 'https' : 'http'}://${hostInUrl(linkHostSetting)}:${flags.port}`;
}
