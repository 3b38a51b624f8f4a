import { UUID_PATTERN } from '../api/subscriptions.ts';

/** A vless:// share link read into its parts (the form buildVlessUrl writes, and other panels'). */
export interface VlessLink {
  uuid: string;
  host: string;
  port: number;
  /** The query's parameters, each named once. */
  params: ReadonlyMap<string, string>;
  /** The fragment: the name client apps show. */
  name: string;
}

export type VlessLinkCheck = { ok: true; link: VlessLink } | { ok: false; detail: string };

const UUID = new RegExp(UUID_PATTERN);
const SECURITIES = new Set(['none', 'tls', 'reality']);
// Printable ASCII only: a share link is percent-encoded, and anything else would reach apps raw.
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** Whether `text` is a well-formed vless:// link, and its parts when it is. */
export function parseVlessLink(text: string): VlessLinkCheck {
  if (!PRINTABLE_ASCII.test(text)) return refuse('has characters other than printable ASCII (spaces, line breaks and non-ASCII must be percent-encoded)');
  if (!text.startsWith('vless://')) return refuse('does not start with vless://');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse('is not a URL');
  }
  if (!UUID.test(url.username)) return refuse('has no uuid before the @ (vless://UUID@HOST:PORT)');
  if (url.password !== '') return refuse('has a password after the uuid');
  if (url.hostname === '') return refuse('has no host');
  const port = Number(url.port);
  if (url.port === '' || !Number.isInteger(port) || port < 1 || port > 65535) return refuse('needs a port from 1 to 65535 after the host');
  if (url.pathname !== '' && url.pathname !== '/') return refuse('has a path after the port');
  const params = new Map<string, string>();
  for (const [name, value] of url.searchParams) {
    if (name === '') return refuse('has a query parameter without a name');
    if (params.has(name)) return refuse(`names the query parameter ${name} twice`);
    params.set(name, value);
  }
  const security = params.get('security') ?? 'none';
  if (!SECURITIES.has(security)) return refuse(`has security=${security}; vless links take none, tls or reality`);
  if (security === 'reality' && !params.get('pbk')) return refuse('has security=reality but no pbk (the Reality public key)');
  const encryption = params.get('encryption');
  if (encryption !== undefined && encryption !== 'none') return refuse(`has encryption=${encryption}; VLESS takes none`);
  let name: string;
  try {
    name = decodeURIComponent(url.hash.slice(1));
  } catch {
    return refuse('has a name (after #) that is not valid percent-encoding');
  }
  return { ok: true, link: { uuid: url.username.toLowerCase(), host: url.hostname.replace(/^\[|\]$/g, ''), port, params, name } };
}

const refuse = (detail: string): VlessLinkCheck => ({ ok: false, detail });
