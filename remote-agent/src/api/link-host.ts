/**
 * The rule for the host written into a server's links (`link_host`, beyond the spec): a host name,
 * an IPv4 address, or an IPv6 address (bare or in brackets; links always bracket it). The agent
 * checks it, and the console checks it the same way before anything is sent.
 */

export const LINK_HOST_RULE = 'link_host must be a host name (vpn.example.com), an IPv4 address (203.0.113.7) or an IPv6 address (2001:db8::7, brackets optional), or null to use the agent\'s --public-host';

export type LinkHostCheck = { ok: true; host: string } | { ok: false; detail: string };

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** Whether `text` may be a link host, and the form stored: trimmed, IPv6 without brackets, a name in lower case. */
export function checkLinkHost(text: string): LinkHostCheck {
  const trimmed = text.trim();
  const bracketed = /^\[(.*)\]$/.exec(trimmed);
  if (bracketed) return isIpv6(bracketed[1]!) ? { ok: true, host: bracketed[1]!.toLowerCase() } : refuse(`"${text}" is not an IPv6 address in brackets`);
  if (trimmed.includes(':')) return isIpv6(trimmed) ? { ok: true, host: trimmed.toLowerCase() } : refuse(`"${text}" is not an IPv6 address`);
  if (IPV4.test(trimmed)) return { ok: true, host: trimmed };
  if (isHostName(trimmed)) return { ok: true, host: trimmed.toLowerCase() };
  return refuse(`"${text}" is not a host name or an IP address`);
}

/** The host as a URL writes it: an IPv6 address in brackets. */
export const hostInUrl = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

function isHostName(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  const labels = text.replace(/\.$/, '').split('.');
  // A last label of digits only would be an address written wrong (10.0.0.256), never a name.
  return labels.every((label) => LABEL.test(label)) && !/^\d+$/.test(labels.at(-1)!);
}

function isIpv6(text: string): boolean {
  if (text.length < 2 || text.length > 45) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (half: string) => (half === '' ? [] : half.split(':'));
  const groups = halves.flatMap(groupsOf);
  let count = 0;
  for (const [index, group] of groups.entries()) {
    // An IPv4 tail (::ffff:192.0.2.1) stands for two groups.
    if (index === groups.length - 1 && IPV4.test(group)) count += 2;
    else if (HEX_GROUP.test(group)) count += 1;
    else return false;
  }
  return halves.length === 2 ? count <= 7 : count === 8;
}

const refuse = (problem: string): LinkHostCheck => ({ ok: false, detail: `${problem}: ${LINK_HOST_RULE}` });
