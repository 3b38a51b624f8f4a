import type { VlessLink } from '../../lib/vless-link.ts';

/**
 * A sing-box config with one `vless` outbound per link. Field names are the JSON names of
 * sing-box's option structs (github.com/SagerNet/sing-box at 7df171ff, v1.14.0-alpha.2):
 * type, tag: option/outbound.go:20-21; server, server_port: option/outbound.go:149-150;
 * uuid, flow: option/vless.go:20-21; tls: option/tls.go:125; enabled, server_name, utls, reality:
 * option/tls.go:98,100,120,121; utls.enabled, utls.fingerprint: option/tls.go:230-231;
 * reality.enabled, public_key, short_id: option/tls.go:235-237.
 */
export function singBoxConfig(links: readonly VlessLink[]): { outbounds: SingBoxVlessOutbound[] } {
  const tags = new Set<string>();
  return { outbounds: links.map((link, index) => outbound(link, uniqueTag(tags, link.name || `${link.host}:${link.port}`, index))) };
}

export interface SingBoxVlessOutbound {
  type: 'vless';
  tag: string;
  server: string;
  server_port: number;
  uuid: string;
  flow?: string;
  tls?: {
    enabled: true;
    server_name?: string;
    utls?: { enabled: true; fingerprint: string };
    reality?: { enabled: true; public_key: string; short_id: string };
  };
}

function outbound(link: VlessLink, tag: string): SingBoxVlessOutbound {
  const param = (name: string) => link.params.get(name) || undefined;
  const security = param('security') ?? 'none';
  const flow = param('flow');
  const serverName = param('sni');
  const fingerprint = param('fp');
  return {
    type: 'vless',
    tag,
    server: link.host,
    server_port: link.port,
    uuid: link.uuid,
    ...(flow !== undefined && { flow }),
    ...(security !== 'none' && {
      tls: {
        enabled: true,
        ...(serverName !== undefined && { server_name: serverName }),
        ...(fingerprint !== undefined && { utls: { enabled: true, fingerprint } }),
        ...(security === 'reality' && { reality: { enabled: true, public_key: param('pbk') ?? '', short_id: param('sid') ?? '' } }),
      },
    }),
  };
}

/** sing-box refuses two outbounds with one tag: a repeated name gets its position added. */
function uniqueTag(taken: Set<string>, wanted: string, index: number): string {
  const tag = taken.has(wanted) ? `${wanted} (${index + 1})` : wanted;
  taken.add(tag);
  return tag;
}
