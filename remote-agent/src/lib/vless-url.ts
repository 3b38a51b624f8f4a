export interface VlessLinkParts {
  uuid: string;
  host: string;
  port: number;
  serverName: string;
  fingerprint: string;
  publicKey: string;
  shortId: string;
  name: string;
}

/** The common VLESS+Reality share link, as v2rayN, v2rayNG, Hiddify and Streisand import it. */
export function buildVlessUrl(parts: VlessLinkParts): string {
  const query = new URLSearchParams({
    encryption: 'none',
    security: 'reality',
    sni: parts.serverName,
    fp: parts.fingerprint,
    pbk: parts.publicKey,
    sid: parts.shortId,
    type: 'tcp',
    flow: 'xtls-rprx-vision',
  });
  return `vless://${parts.uuid}@${formatHost(parts.host)}:${parts.port}?${query}#${encodeURIComponent(parts.name)}`;
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
