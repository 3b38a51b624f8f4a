import type { DeployedSubscriptions, SubscriptionCertificate, SubscriptionOptions } from '../../../shared/contract/deploy.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { PortRange } from '../../../shared/contract/servers.ts';
import { XRAY_API_PORT } from './remote-layout.ts';
import { checkSubscriptionTls } from './subscription-tls.ts';

/** What a deploy does about the agent's subscription listener; null from planSubscriptions: off. */
export interface SubscriptionPlan {
  port: number;
  /** `--subscription-listen`'s host: every IPv4 address, or every address for a server reached over IPv6. */
  listenHost: '0.0.0.0' | '[::]';
  /** `--subscription-url-base`: the host written into links, this port, https with a certificate. */
  urlBase: string;
  /** HTTPS with this certificate; null for plain HTTP. */
  tls: SubscriptionPlanTls | null;
}

export interface SubscriptionPlanTls {
  certificate: SubscriptionCertificate;
  /** The PEM files to put on the server; null: keep those an earlier deploy put there. */
  upload: { certPem: string; keyPem: string } | null;
  /** Whether the certificate names the links' host (apps refuse one that does not); undefined for a kept one. */
  namesHost?: boolean;
}

export interface SubscriptionPlanContext {
  /** The host written into keys' vless:// links. */
  publicHost: string;
  keyPorts: PortRange;
  apiPort: number;
  /** What the server's record says the last deploy left on. */
  remembered: DeployedSubscriptions | null | undefined;
  now?: Date;
}

/**
 * Turns a deploy's subscription options into what it does, on this machine and before the server
 * is touched: `false` is off, absent keeps what the last deploy left (port and certificate), a
 * port clashing with the key ports, the API or Xray's API is `bad-input`, and new certificate
 * files are read and checked (`certificate-refused`).
 */
export async function planSubscriptions(requested: SubscriptionOptions | false | undefined, context: SubscriptionPlanContext): Promise<SubscriptionPlan | null> {
  const { remembered } = context;
  if (requested === false || (requested === undefined && !remembered)) return null;
  const port = requested?.port ?? remembered!.port;
  checkPort(port, context);
  const asked = requested?.tls;
  let tls: SubscriptionPlanTls | null = null;
  if (asked) {
    const { certPem, keyPem, certificate, namesHost } = await checkSubscriptionTls(asked, { now: context.now, host: context.publicHost });
    tls = { certificate, upload: { certPem, keyPem }, namesHost };
  } else if (asked === undefined && remembered?.certificate) {
    tls = { certificate: remembered.certificate, upload: null };
  }
  const host = context.publicHost.includes(':') && !context.publicHost.startsWith('[') ? `[${context.publicHost}]` : context.publicHost;
  return {
    port,
    listenHost: host.startsWith('[') ? '[::]' : '0.0.0.0',
    urlBase: `${tls ? 'https' : 'http'}://${host}:${port}`,
    tls,
  };
}

function checkPort(port: number, context: SubscriptionPlanContext): void {
  const { keyPorts, apiPort } = context;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new KeyportError('bad-input', `subscription port ${port} is not a TCP port (1-65535)`, { field: 'subscriptions.port' });
  const clash = (holder: string) => new KeyportError('bad-input', `subscription port ${port} is ${holder}: choose another`, { field: 'subscriptions.port', port });
  if (port >= keyPorts.from && port <= keyPorts.to) throw clash(`one of the key ports (${keyPorts.from}-${keyPorts.to})`);
  if (port === apiPort) throw clash("the agent's API port");
  if (port === XRAY_API_PORT) throw clash("Xray's API port");
}
