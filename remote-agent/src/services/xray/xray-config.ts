import type { RealityKeys } from './reality-keys.ts';

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

export interface XrayConfig {
  log: { loglevel: string };
  api: { tag: string; listen: string; services: string[] };
  inbounds: XrayInbound[];
  outbounds: Array<{ protocol: string; tag: string }>;
}

const TAG_PREFIX = 'keyport-';
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

/** The whole config file: the API listener and one inbound per active key. */
export function buildXrayConfig(
  activeKeys: readonly InboundKey[],
  apiListen: string,
  realityKeys: RealityKeys,
  reality: RealityOptions,
): XrayConfig {
  return {
    log: { loglevel: 'warning' },
    api: { tag: 'api', listen: apiListen, services: ['HandlerService', 'StatsService'] },
    inbounds: activeKeys.map((key) => buildInbound(key, realityKeys, reality)),
    outbounds: [
      { protocol: 'freedom', tag: 'direct' },
      { protocol: 'blackhole', tag: 'block' },
    ],
  };
}
