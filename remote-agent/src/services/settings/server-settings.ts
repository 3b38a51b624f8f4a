/** The server-wide settings an admin changes from the console; stored by the agent, applied to Xray. */
export interface ServerSettings {
  /** The host written into links (beyond the spec), checked by checkLinkHost; null: the agent's --public-host. */
  linkHost: string | null;
  /** Reality's target: host:port of a real TLS 1.3 site the server impersonates. */
  realityTarget: string;
  /** Names clients may send as SNI; the first goes into links. */
  realityServerNames: string[];
  /** The uTLS fingerprint written into links. */
  realityFingerprint: string;
  /** Lets VPN users reach the server's loopback and private networks: off unless the admin wants users on the LAN. */
  allowPrivateDestinations: boolean;
  /** Keeps Xray's per-connection access log (client IP, destination, key) in a rotated file; off by default. */
  accessLog: boolean;
}

export type SettingsPatch = Partial<ServerSettings>;

/** What applying a change takes: links only, the inbounds (live, through the API), or a new Xray process. */
export type SettingsImpact = 'links' | 'inbounds' | 'restart';

export function impactOf(before: ServerSettings, after: ServerSettings): SettingsImpact | undefined {
  if (before.allowPrivateDestinations !== after.allowPrivateDestinations || before.accessLog !== after.accessLog) return 'restart';
  if (before.realityTarget !== after.realityTarget || !sameList(before.realityServerNames, after.realityServerNames)) return 'inbounds';
  if (before.realityFingerprint !== after.realityFingerprint || before.linkHost !== after.linkHost) return 'links';
  return undefined;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
