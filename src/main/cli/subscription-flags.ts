import { resolve } from 'node:path';
import type { SubscriptionOptions } from '../../shared/contract/deploy.ts';
import { parsePort } from './parse-port.ts';
import { UsageError } from './usage-error.ts';

/** The deploy flags that turn the agent's subscription listener on or off, as parseArgs gives them. */
export interface SubscriptionFlagValues {
  subscriptions?: string;
  'no-subscriptions'?: boolean;
  'subscription-tls-cert'?: string;
  'subscription-tls-key'?: string;
  'no-subscription-tls'?: boolean;
}

export const SUBSCRIPTION_FLAGS = {
  subscriptions: { type: 'string' },
  'no-subscriptions': { type: 'boolean' },
  'subscription-tls-cert': { type: 'string' },
  'subscription-tls-key': { type: 'string' },
  'no-subscription-tls': { type: 'boolean' },
} as const;

export const SUBSCRIPTION_USAGE = '[--subscriptions PORT [--subscription-tls-cert FILE --subscription-tls-key FILE | --no-subscription-tls] | --no-subscriptions]';

/**
 * What the flags ask of the listener: on at a port (with a certificate and key, plain HTTP, or as the
 * server has it), off, or undefined (as the last deploy left it). Whether the port is free of the
 * key ports and the files hold a good certificate is the core's to say.
 */
export function subscriptionOption(values: SubscriptionFlagValues): SubscriptionOptions | false | undefined {
  const cert = values['subscription-tls-cert'];
  const key = values['subscription-tls-key'];
  const plain = values['no-subscription-tls'] === true;
  if (values['no-subscriptions']) {
    if (values.subscriptions !== undefined || cert !== undefined || key !== undefined || plain) {
      throw new UsageError((t) => t('usageError.noSubscriptionsAlone'));
    }
    return false;
  }
  if (values.subscriptions === undefined) {
    if (cert !== undefined || key !== undefined || plain) throw new UsageError((t) => t('usageError.tlsNeedsSubscriptions'));
    return undefined;
  }
  const port = parsePort(values.subscriptions, '--subscriptions');
  if ((cert === undefined) !== (key === undefined)) {
    throw new UsageError((t) => t('usageError.tlsBoth'));
  }
  if (cert === '' || key === '') throw new UsageError((t) => t('usageError.tlsFiles'));
  if (plain && cert !== undefined) throw new UsageError((t) => t('usageError.plainNoCert'));
  if (plain) return { port, tls: false };
  return cert !== undefined && key !== undefined ? { port, tls: { certFile: resolve(cert), keyFile: resolve(key) } } : { port };
}
