import type { ServerSettings, ServerSettingsPatch } from '../../../shared/contract/api-types.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { checkLinkHost } from '../../../shared/agent-api.ts';

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6_IN_BRACKETS = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
const FINGERPRINT = /^[a-z0-9_]{1,32}$/;
const MAX_SERVER_NAMES = 16;

type Field = keyof ServerSettings;
const FIELDS: Record<Field, (value: unknown) => string | null> = {
  link_host: (value) => {
    if (value === null) return null;
    if (typeof value !== 'string') return 'must be a host name or an IP address, or null';
    const checked = checkLinkHost(value);
    return checked.ok ? null : `must be a host name (vpn.example.com), an IPv4 address or an IPv6 address, not ${JSON.stringify(value)}`;
  },
  reality_target: (value) => (typeof value === 'string' && isHostPort(value) ? null : 'must be HOST:PORT, e.g. dl.google.com:443'),
  reality_server_names: (value) => {
    if (!Array.isArray(value) || value.length < 1 || value.length > MAX_SERVER_NAMES) return `must be 1 to ${MAX_SERVER_NAMES} host names`;
    const bad = value.filter((name) => typeof name !== 'string' || !HOST_NAME.test(name) || IPV4.test(name));
    if (bad.length > 0) return `must be exact host names (no wildcards, no addresses): ${bad.map((name) => JSON.stringify(name)).join(', ')}`;
    return new Set(value).size === value.length ? null : 'must not repeat a name';
  },
  reality_fingerprint: (value) => (typeof value === 'string' && FINGERPRINT.test(value) ? null : 'must be a uTLS fingerprint name such as chrome or firefox'),
  allow_private_destinations: (value) => (typeof value === 'boolean' ? null : 'must be true or false'),
  access_log: (value) => (typeof value === 'boolean' ? null : 'must be true or false'),
};

/**
 * Checks a settings change before anything is sent: a non-empty object of known fields, each of
 * the right form. Throws `bad-input` naming the field; the agent checks again.
 */
export function checkSettingsPatch(patch: unknown): ServerSettingsPatch {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new KeyportError('bad-input', 'a settings change must be an object of fields to change');
  const entries = Object.entries(patch);
  if (entries.length === 0) throw new KeyportError('bad-input', 'a settings change must name at least one field');
  for (const [field, value] of entries) {
    if (!Object.hasOwn(FIELDS, field)) {
      throw new KeyportError('bad-input', `"${field}" is not a server setting; the settings are ${Object.keys(FIELDS).join(', ')}`, { field });
    }
    const problem = FIELDS[field as Field](value);
    if (problem) throw new KeyportError('bad-input', `${field} ${problem}`, { field });
  }
  return patch as ServerSettingsPatch;
}

function isHostPort(text: string): boolean {
  const separator = text.lastIndexOf(':');
  if (separator <= 0) return false;
  const host = text.slice(0, separator);
  const port = text.slice(separator + 1);
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return false;
  return HOST_NAME.test(host) || IPV4.test(host) || IPV6_IN_BRACKETS.test(host);
}
