export interface VlessLink {
  uuid: string;
  host: string;
  port: number;
  params: URLSearchParams;
  name: string;
}

/** `vless://UUID@HOST:PORT?PARAMS#NAME`, the share link a key holder imports (an IPv6 host in brackets). */
export function parseVlessLink(link: string): VlessLink {
  const url = new URL(link);
  if (url.protocol !== 'vless:') throw new Error(`not a vless:// link: ${link}`);
  return {
    uuid: decodeURIComponent(url.username),
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port),
    params: url.searchParams,
    name: decodeURIComponent(url.hash.slice(1)),
  };
}

/**
 * A key holder's client as v2ray 4.34 runs it: a SOCKS5 inbound on loopback, everything out through
 * the key's VLESS server as the link gives it (address, port, uuid, encryption, transport). Like the
 * server side (v2ray-server-config.ts) it has no REALITY and no Xray flow: security none, no flow.
 */
export function v2rayClientConfig(link: VlessLink, socksPort: number): object {
  return {
    log: { loglevel: 'warning' },
    inbounds: [{ tag: 'socks-in', listen: '127.0.0.1', port: socksPort, protocol: 'socks', settings: { auth: 'noauth', udp: false } }],
    outbounds: [
      {
        tag: 'vpn',
        protocol: 'vless',
        settings: {
          vnext: [{ address: link.host, port: link.port, users: [{ id: link.uuid, encryption: link.params.get('encryption') ?? 'none' }] }],
        },
        streamSettings: { network: link.params.get('type') ?? 'tcp', security: 'none' },
      },
    ],
  };
}
