import type { RealityKeys } from './reality-keys.ts';
import { BLOCK_OUTBOUND_TAG, privateDestinationsRules, type PrivateDestinationsRule } from './private-destinations.ts';

export interface RealityOptions {
  /** Where Reality forwards probes: host:port of a real TLS site. */
  dest: string;
  serverNames: string[];
  fingerprint: string;
}

export interface InboundKey {
  id: string;
  uuid: string;
  port: number;
}

export interface XrayInbound {
  tag: string;
  listen: string;
  port: number;
  protocol: 'vless';
  settings: { clients: Array<{ id: string; flow: string; email: string }>; decryption: 'none' };
  streamSettings: {
    network: 'tcp';
    security: 'reality';
    realitySettings: {
      show: false;
      dest: string;
      xver: 0;
      serverNames: string[];
      privateKey: string;
      shortIds: string[];
      minClientVer: string;
    };
  };
  sniffing: { enabled: true; destOverride: string[] };
}

export interface XrayLog {
  loglevel: string;
  /** "none", or the file the agent rotates. */
  access: string;
}

export interface XrayRouting {
  /** Resolve a name before matching the IP rules, so `localhost` or a name pointing at 127.0.0.1 is caught. */
  domainStrategy: 'IPIfNonMatch';
  rules: PrivateDestinationsRule[];
}

export interface XrayConfig {
  log: XrayLog;
  api: { tag: string; listen: string; services: string[] };
  inbounds: XrayInbound[];
  outbounds: Array<{ protocol: string; tag: string }>;
  routing: XrayRouting;
}

/** What the whole file depends on besides the keys. */
export interface XrayConfigOptions {
  apiListen: string;
  realityKeys: RealityKeys;
  reality: RealityOptions;
  /** Off by default: VPN users reach the internet, never the server or its private networks. */
  allowPrivateDestinations: boolean;
  /** Where Xray writes one line per connection; undefined keeps no access log at all. */
  accessLogPath?: string;
}

const TAG_PREFIX = 'keyport-';
export const TAG_PREFIX_LENGTH = TAG_PREFIX.length;
/** Xray >= 26.7.11 refuses most non-Xray clients when this is empty; any version admits them. */
const MIN_CLIENT_VERSION = '1.0.0';

export const inboundTag = (keyId: string) => `${TAG_PREFIX}${keyId}`;
export const isKeyportTag = (tag: string) => tag.startsWith(TAG_PREFIX);

/** One VLESS+Reality inbound for one key, on the key's own port. */
export function buildInbound(key: InboundKey, realityKeys: RealityKeys, reality: RealityOptions): XrayInbound {
  return {
    tag: inboundTag(key.id),
    listen: '0.0.0.0',
    port: key.port,
    protocol: 'vless',
    settings: { clients: [{ id: key.uuid, flow: 'xtls-rprx-vision', email: key.id }], decryption: 'none' },
    streamSettings: {
      network: 'tcp',
      security: 'reality',
      realitySettings: {
        show: false,
        dest: reality.dest,
        xver: 0,
        serverNames: reality.serverNames,
        privateKey: realityKeys.privateKey,
        shortIds: realityKeys.shortIds,
        minClientVer: MIN_CLIENT_VERSION,
      },
    },
    sniffing: { enabled: true, destOverride: ['http', 'tls', 'quic'] },
  };
}

/** The whole config file: the API listener, one inbound per active key, and the routing that keeps users off the server. */
export function buildXrayConfig(activeKeys: readonly InboundKey[], options: XrayConfigOptions): XrayConfig {
  return {
    // With a log object and no `access`, Xray logs every connection (client IP, destination, the
    // key's email) to stdout (infra/conf/log.go:31-40 at v26.7.28).
    log: { loglevel: 'warning', access: options.accessLogPath ?? 'none' },
    api: { tag: 'api', listen: options.apiListen, services: ['HandlerService', 'StatsService'] },
    inbounds: activeKeys.map((key) => buildInbound(key, options.realityKeys, options.reality)),
    // The first outbound takes whatever no rule sends elsewhere.
    outbounds: [
      { protocol: 'freedom', tag: 'direct' },
      { protocol: 'blackhole', tag: BLOCK_OUTBOUND_TAG },
    ],
    routing: expectedRouting(options.allowPrivateDestinations),
  };
}

export function expectedRouting(allowPrivateDestinations: boolean): XrayRouting {
  return { domainStrategy: 'IPIfNonMatch', rules: allowPrivateDestinations ? [] : privateDestinationsRules() };
}
