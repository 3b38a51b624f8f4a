import { Type } from '@sinclair/typebox';
import { commonErrors, Envelope } from './common.ts';
import { endpoint } from './endpoint.ts';
import { LINK_HOST_RULE } from './link-host.ts';
import { ApplyOutcome } from './system.ts';

const HOST = '(?:\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)';
const PORT = '(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})';
const HOSTNAME = '^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$';

/** uTLS presets Xray knows (transport/internet/tls/tls.go:203-217 at v26.7.28), less "unsafe". */
const FINGERPRINTS = ['chrome', 'firefox', 'safari', 'ios', 'android', 'edge', '360', 'qq', 'random', 'randomized', 'randomizednoalpn'];

const RealityTarget = Type.String({
  pattern: `^${HOST}:${PORT}$`,
  maxLength: 261,
  errorMessage: 'reality_target must be HOST:PORT of a TLS 1.3 site, e.g. www.example.com:443',
  description: 'where Reality forwards probes: a real TLS 1.3 site (host:port)',
});

const ServerNames = Type.Array(
  Type.String({ pattern: HOSTNAME, maxLength: 253, errorMessage: 'each server name must be an exact host name, e.g. www.example.com' }),
  { minItems: 1, maxItems: 16, uniqueItems: true, description: 'SNI names clients may use; the first goes into links' },
);

const Fingerprint = Type.Union(
  FINGERPRINTS.map((name) => Type.Literal(name)),
  { errorMessage: `reality_fingerprint must be one of ${FINGERPRINTS.join(', ')}`, description: 'the uTLS fingerprint written into links' },
);

const LinkHost = Type.Union(
  [
    Type.String({
      minLength: 1,
      maxLength: 255,
      // A first sieve for the OpenAPI document; the route checks the rest (checkLinkHost).
      pattern: '^\\s*\\[?[A-Za-z0-9.:-]+\\]?\\s*$',
      errorMessage: LINK_HOST_RULE,
    }),
    Type.Null(),
  ],
  {
    errorMessage: LINK_HOST_RULE,
    description: "the host written into every key's vless:// link and the default subscription links (beyond the spec); null: the agent's --public-host",
  },
);

const fields = {
  link_host: LinkHost,
  reality_target: RealityTarget,
  reality_server_names: ServerNames,
  reality_fingerprint: Fingerprint,
  allow_private_destinations: Type.Boolean({
    description: 'let VPN users reach the server itself (loopback) and private networks; off by default',
  }),
  access_log: Type.Boolean({ description: "keep Xray's per-connection access log (client IP, destination, key) in a rotated file; off by default" }),
};

export const Settings = Type.Object(fields);

export const SettingsPatch = Type.Partial(Type.Object(fields), {
  additionalProperties: false,
  minProperties: 1,
  errorMessage: 'give at least one of: ' + Object.keys(fields).join(', '),
});

export const SettingsReport = Envelope(Type.Object({ settings: Settings }));

export const SettingsChangeReport = Envelope(
  Type.Object({ settings: Settings, applied: Type.Union([ApplyOutcome, Type.Null()], { description: 'how Xray took the change; null when only links changed' }) }),
);

const tag = 'settings';

export const getSettings = endpoint({
  method: 'GET', path: '/api/system/settings', tag, summary: 'The server settings',
  response: SettingsReport, errors: commonErrors,
});

export const updateSettings = endpoint({
  method: 'PATCH', path: '/api/system/settings', tag,
  summary: 'Change settings: Reality changes re-add the inbounds live; routing or access-log changes restart Xray once; the link host and fingerprint touch only the links',
  body: SettingsPatch, response: SettingsChangeReport, errors: commonErrors,
});
