import type { ServerSettingsUpdate } from './api-types.ts';
import type { DeployResult } from './deploy.ts';
import type { ServerOutcome } from './people.ts';
import type { PortRange } from './servers.ts';

/**
 * A change to how a server's keys' links are written (beyond the spec); each field left out stays
 * as it is. Every key's vless:// link and QR code changes with any of them, except the key port
 * range, which existing keys must fit (their ports, and so their links, stay).
 */
export interface LinkSettingsChange {
  /** The host links name (a host name, an IPv4 or IPv6 address); null: the server's SSH host again. */
  linkHost?: string | null;
  /** Reality's target, HOST:PORT of a real TLS 1.3 site. */
  realityTarget?: string;
  /** The names clients may send as SNI; the first goes into links. */
  realityServerNames?: string[];
  /** The range new keys get their ports from: the agent is deployed again with it. */
  keyPorts?: PortRange;
}

export type LinkSettingsField = keyof LinkSettingsChange;

/** How a server's links are written, as a change leaves them. */
export interface LinkSettings {
  /** The host links name: the link host setting, else the server's SSH host. */
  linkHost: string;
  /** Whether `linkHost` is a setting of its own (false: the SSH host). */
  linkHostSet: boolean;
  realityTarget: string;
  realityServerNames: string[];
  keyPorts: PortRange;
}

export interface LinkSettingsResult {
  /** The fields whose value is new; empty when the change held what the server had already. */
  changed: LinkSettingsField[];
  before: LinkSettings;
  after: LinkSettings;
  /** How Xray took new Reality settings; null when only links changed, or no setting did. */
  applied: ServerSettingsUpdate['applied'];
  /** The deploy a new key port range took; null without one. A rolled-back one left everything as it was. */
  deploy: DeployResult | null;
  /**
   * The new links pushed into the subscriptions of this server's people on their other servers
   * (one outcome per bulk call); empty when the links did not change or nobody has keys elsewhere.
   */
  bundles: ServerOutcome[];
  /**
   * With a new link host and subscriptions over HTTPS: whether the listener's certificate names
   * it (apps refuse subscription links whose host it does not name); null when it could not be
   * read. Absent when the link host stayed or subscriptions are plain HTTP or off.
   */
  subscriptionCertificate?: { subject: string; namesLinkHost: boolean | null };
}
