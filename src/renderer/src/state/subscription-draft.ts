import type { SubscriptionOptions } from '../../../shared/contract/deploy.ts';
import type { DeployedAgent } from '../../../shared/contract/servers.ts';

/** The deploy dialog's subscription fields, as typed. */
export interface SubscriptionDraft {
  enabled: boolean;
  port: string;
  certFile: string;
  keyFile: string;
}

/** Why the fields cannot be sent yet: the port is not one, or one file is given without the other. */
export type SubscriptionProblem = 'port' | 'files';

/** What the fields ask of the deploy, or why they cannot be sent yet. */
export type SubscriptionChoice = { ok: true; subscriptions: SubscriptionOptions | false } | { ok: false; problem: SubscriptionProblem };

/** The fields as the server's last deploy left them: its port, no files (the certificate on the server is kept). */
export function subscriptionDraftOf(agent: DeployedAgent | null | undefined): SubscriptionDraft {
  const served = agent?.subscriptions;
  return { enabled: Boolean(served), port: served ? String(served.port) : '', certFile: '', keyFile: '' };
}

/**
 * The fields as the contract's subscription option: off, or a port with both files or neither
 * (neither keeps the certificate already on the server, if any). Whether the port is free of the
 * key ports and the files hold a good certificate is the core's to say.
 */
export function subscriptionChoice(draft: SubscriptionDraft): SubscriptionChoice {
  if (!draft.enabled) return { ok: true, subscriptions: false };
  const text = draft.port.trim();
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) return { ok: false, problem: 'port' };
  const certFile = draft.certFile.trim();
  const keyFile = draft.keyFile.trim();
  if ((certFile === '') !== (keyFile === '')) return { ok: false, problem: 'files' };
  return { ok: true, subscriptions: certFile ? { port, tls: { certFile, keyFile } } : { port } };
}
