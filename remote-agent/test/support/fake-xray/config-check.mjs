// The config checks Xray v26.7.28 makes when it builds a JSON config (infra/conf/*.go) and creates
// the server from it (core/xray.go), for the parts Keyport writes: api, log, routing, inbounds
// (VLESS + REALITY in full, other protocols by shape) and outbounds. Strict where Xray is strict,
// lax where it is lax; every failure is an XrayError with Xray's text. Warnings Xray logs while
// building go to `warn(pkg, text)`.

import { isIP } from 'node:net';
import { goError, xrayError } from './xray-errors.mjs';

const CONF = 'infra/conf';
const INBOUND_PROTOCOLS = new Set([
  'dokodemo-door', 'tunnel', 'http', 'shadowsocks', 'mixed', 'socks', 'vless', 'vmess', 'trojan',
  'wireguard', 'tun', 'hysteria',
]);
const OUTBOUND_PROTOCOLS = new Set([
  'blackhole', 'loopback', 'freedom', 'direct', 'http', 'shadowsocks', 'socks', 'vless', 'vmess',
  'trojan', 'dns', 'wireguard', 'hysteria',
]);
const XRV = 'xtls-rprx-vision';

/** Go's encoding/json matches object keys to struct fields case-insensitively. */
export function field(object, name) {
  if (!isObject(object)) return undefined;
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : object[key];
}

/**
 * Config.Build (infra/conf/xray.go:532-689) then core.New (core/xray.go:189-253): the order of
 * checks and the wrapping of each error are Xray's. Returns the parts the stand-in runs.
 */
export function buildConfig(config, warn) {
  if (!isObject(config)) throw typeError('object', config, 'conf.Config');
  if (nonEmpty(field(config, 'transport'))) {
    throw removedFeature('Global transport config', 'streamSettings in inbounds and outbounds');
  }
  const api = field(config, 'api');
  const builtApi = api === undefined || api === null ? undefined : buildApi(api);
  const log = field(config, 'log');
  const builtLog = buildLog(log === null ? undefined : log);
  const routing = field(config, 'routing');
  if (routing !== undefined && routing !== null) builtIn('failed to build routing configuration', () => buildRouting(routing));
  const inbounds = listOf(field(config, 'inbounds'), 'inbounds').map((inbound) =>
    builtIn(`failed to build inbound config with tag ${tagOf(inbound)}`, () => buildInbound(inbound, warn)),
  );
  const outbounds = listOf(field(config, 'outbounds'), 'outbounds').map((outbound) =>
    builtIn(`failed to build outbound config with tag ${tagOf(outbound)}`, () => buildOutbound(outbound)),
  );
  return { api: builtApi, log: builtLog, inbounds, outbounds };
}

/** APIConfig.Build (infra/conf/api.go:21-50). */
function buildApi(api) {
  if (!isObject(api)) throw typeError('object', api, 'conf.APIConfig');
  const tag = stringField(api, 'tag');
  if (tag === '') throw xrayError(CONF, 'failed to build API configuration', xrayError(CONF, "API tag can't be empty."));
  const services = (listOf(field(api, 'services'), 'services') ?? []).map((service) => String(service).toLowerCase());
  return { tag, listen: stringField(api, 'listen'), handlerService: services.includes('handlerservice') };
}

/**
 * LogConfig.Build (infra/conf/log.go:26-65), or DefaultLogConfig without a `log` object
 * (infra/conf/log.go:10-16, used at infra/conf/xray.go:574-578): access off, errors to stdout.
 */
export function buildLog(log) {
  if (log === undefined) return { access: undefined, error: 'stdout', level: 2 };
  if (!isObject(log)) throw typeError('object', log, 'conf.LogConfig');
  const access = stringField(log, 'access');
  const error = stringField(log, 'error');
  const level = stringField(log, 'loglevel').toLowerCase();
  const built = {
    access: access === 'none' ? undefined : access === '' ? 'stdout' : access,
    error: error === 'none' ? undefined : error === '' ? 'stdout' : error,
    level: { debug: 4, info: 3, error: 1 }[level] ?? 2,
  };
  if (level === 'none') {
    built.access = undefined;
    built.error = undefined;
  }
  return built;
}

/** RouterConfig.Build (infra/conf/router.go:93-118): any domainStrategy is accepted. */
function buildRouting(routing) {
  if (!isObject(routing)) throw typeError('object', routing, 'conf.RouterConfig');
  for (const rule of listOf(field(routing, 'rules'), 'rules')) {
    try {
      buildRule(rule);
    } catch (error) {
      throw xrayError(CONF, 'invalid field rule', error);
    }
  }
}

/** parseFieldRule (infra/conf/router.go:132-273), the parts that can fail without geo files. */
function buildRule(rule) {
  if (!isObject(rule)) throw typeError('object', rule, 'conf.RawFieldRule');
  if (stringField(rule, 'outboundTag') === '' && stringField(rule, 'balancerTag') === '') {
    throw xrayError(CONF, 'neither outboundTag nor balancerTag is specified in routing rule');
  }
  for (const name of ['ip', 'sourceIP', 'source', 'localIP']) {
    const list = field(rule, name);
    if (list === undefined || list === null) continue;
    for (const entry of stringList(list)) parseIpRule(entry);
  }
}

/** ParseIPRules (common/geodata/rule_parser.go:16-48) for CIDR entries; geo entries pass. */
function parseIpRule(entry) {
  const rule = entry.replace(/^!+/, '');
  if (/^(geoip:|ext:|ext-ip:)/.test(rule)) return;
  const slash = rule.indexOf('/');
  const ip = slash < 0 ? rule : rule.slice(0, slash);
  const prefix = slash < 0 ? '' : rule.slice(slash + 1);
  const family = isIP(ip.replace(/^\[(.*)\]$/, '$1'));
  const illegal = (inner) => xrayError('common/geodata', `illegal ip rule: ${entry}`, inner);
  if (family === 0) throw illegal(xrayError('common/geodata', 'unsupported address family'));
  const max = family === 4 ? 32 : 128;
  if (prefix !== '') {
    if (!/^\d+$/.test(prefix)) {
      throw illegal(xrayError('common/geodata', `invalid CIDR prefix length: ${prefix}`, goError(`strconv.ParseUint: parsing ${JSON.stringify(prefix)}: invalid syntax`)));
    }
    if (Number(prefix) > max) throw illegal(xrayError('common/geodata', `CIDR prefix length ${Number(prefix)} exceeds max ${max}`));
  }
}

/**
 * InboundDetourConfig.Build (infra/conf/xray.go:137-211), as `run` and `api adi` both do.
 * Returns { tag, listen, port, protocol, raw, settingsSize... } for the running stand-in.
 */
export function buildInbound(inbound, warn) {
  if (!isObject(inbound)) throw typeError('object', inbound, 'conf.InboundDetourConfig');
  const protocol = stringField(inbound, 'protocol');
  const listenRaw = field(inbound, 'listen');
  const portRaw = field(inbound, 'port');
  const ports = portRaw === undefined || portRaw === null ? undefined : parsePortList(portRaw);
  let listen;
  let port;
  if (protocol.toLowerCase() === 'tun') {
    // no port needed
  } else if (listenRaw === undefined || listenRaw === null) {
    if (ports === undefined) throw xrayError(CONF, 'Listen on AnyIP but no Port(s) set in InboundDetour.');
    listen = '0.0.0.0';
  } else {
    if (typeof listenRaw !== 'string') throw xrayError(CONF, `invalid address: ${JSON.stringify(listenRaw)}`, goError('json: cannot unmarshal into string'));
    const host = listenRaw.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0 || host === 'localhost') {
      if (ports === undefined) throw xrayError(CONF, 'Listen on specific ip without port in InboundDetour.');
      listen = host === 'localhost' ? '127.0.0.1' : host;
    } else if (host.startsWith('/') || host.startsWith('@')) {
      listen = host;
    } else {
      throw xrayError(CONF, `unable to listen on domain address: ${host}`);
    }
  }
  if (ports !== undefined && ports.length > 0) port = ports[0];

  const stream = field(inbound, 'streamSettings');
  let security = 'none';
  if (stream !== undefined && stream !== null) {
    security = buildStream(stream, warn);
    if (security === 'reality' && !(ports?.length === 1 && ports[0] === 443)) {
      warn(CONF, "REALITY: Listening on non-443 ports will increase the likelihood of your server's IP being blocked by the GFW");
    }
  }
  const sniffing = field(inbound, 'sniffing');
  if (sniffing !== undefined && sniffing !== null) builtIn('failed to build sniffing config', () => buildSniffing(sniffing));
  if (!INBOUND_PROTOCOLS.has(protocol.toLowerCase())) {
    throw xrayError(CONF, `failed to load inbound detour config for protocol ${protocol}`, xrayError(CONF, `unknown config id: ${protocol}`));
  }
  const settings = field(inbound, 'settings') ?? {};
  const users =
    protocol.toLowerCase() === 'vless' ? builtIn(`failed to build inbound handler for protocol ${protocol}`, () => buildVlessSettings(settings)) : [];
  return { tag: tagOf(inbound), listen, port, ports: ports ?? [], protocol, security, users, raw: inbound };
}

/** StreamConfig.Build (infra/conf/transport_internet.go:66-120), network and security. */
function buildStream(stream, warn) {
  if (!isObject(stream)) throw typeError('object', stream, 'conf.StreamConfig');
  const network = transportProtocol(stringField(stream, 'network') || 'raw');
  const security = stringField(stream, 'security').toLowerCase();
  if (security === '' || security === 'none') return 'none';
  if (security === 'tls') return 'tls';
  if (security === 'reality') {
    if (!['tcp', 'splithttp', 'grpc'].includes(network)) throw xrayError(CONF, 'REALITY only supports RAW, XHTTP and gRPC for now.');
    const reality = field(stream, 'realitySettings');
    if (reality === undefined || reality === null) throw xrayError(CONF, 'REALITY: Empty "realitySettings".');
    try {
      buildReality(reality, warn);
    } catch (error) {
      throw xrayError(CONF, 'Failed to build REALITY config.', error);
    }
    return 'reality';
  }
  return security;
}

/** TransportProtocol.Build (infra/conf/transport_internet.go). */
function transportProtocol(network) {
  switch (network.toLowerCase()) {
    case 'raw':
    case 'tcp':
      return 'tcp';
    case 'xhttp':
    case 'splithttp':
      return 'splithttp';
    case 'kcp':
    case 'mkcp':
      return 'mkcp';
    case 'grpc':
      return 'grpc';
    case 'ws':
    case 'websocket':
      return 'websocket';
    case 'httpupgrade':
      return 'httpupgrade';
    case 'hysteria':
      return 'hysteria';
    case 'h2':
    case 'h3':
    case 'http':
      throw removedFeature('HTTP transport (without header padding, etc.)', 'XHTTP stream-one H2 & H3');
    case 'quic':
      throw removedFeature('QUIC transport (without web service, etc.)', 'XHTTP stream-one H3');
    default:
      throw xrayError(CONF, `Config: unknown transport protocol: ${network}`);
  }
}

/** REALITYConfig.Build, server side (infra/conf/transport_security.go:54-178). */
function buildReality(reality, warn) {
  if (!isObject(reality)) throw typeError('object', reality, 'conf.REALITYConfig');
  let dest = field(reality, 'target');
  if (dest === undefined || dest === null) dest = field(reality, 'dest');
  if (dest === undefined || dest === null) {
    // Without target/dest Xray builds the client side, which refuses server-only fields.
    if (listOf(field(reality, 'serverNames'), 'serverNames').length > 0) {
      throw xrayError(CONF, 'non-empty "serverNames", please use "serverName" instead');
    }
    throw xrayError(CONF, 'empty "password"');
  }
  let text = '';
  if (Number.isInteger(dest) && dest >= 0 && dest <= 65535) text = String(dest);
  else if (typeof dest === 'string') text = dest;
  let type = stringField(reality, 'type');
  if (type === '' && text !== '') {
    if (text.startsWith('@') || text.startsWith('/')) type = 'unix';
    else {
      if (/^\d+$/.test(text)) text = `localhost:${text}`;
      if (splitHostPort(text)) type = 'tcp';
    }
  }
  if (type === '') throw xrayError(CONF, 'please fill in a valid value for "target"');
  const xver = field(reality, 'xver') ?? 0;
  if (xver > 2) throw xrayError(CONF, 'invalid PROXY protocol version, "xver" only accepts 0, 1, 2');
  const serverNames = listOf(field(reality, 'serverNames'), 'serverNames');
  if (serverNames.length === 0) throw xrayError(CONF, 'empty "serverNames"');
  const privateKey = stringField(reality, 'privateKey');
  if (privateKey === '') throw xrayError(CONF, 'empty "privateKey"');
  if (base64UrlLength(privateKey) !== 32) throw xrayError(CONF, `invalid "privateKey": ${privateKey}`);
  const minClientVer = stringField(reality, 'minClientVer');
  if (minClientVer !== '') {
    parseVersion(minClientVer, 'minClientVer');
    warn(CONF, `REALITY: Changing "minClientVer" will increase the likelihood of your server's IP being blocked by the GFW`);
  } else {
    warn(CONF, 'REALITY: The default minimal client version is Xray-core v26.3.27, other clients may be refused to connect');
  }
  const maxClientVer = stringField(reality, 'maxClientVer');
  if (maxClientVer !== '') parseVersion(maxClientVer, 'maxClientVer');
  const shortIds = listOf(field(reality, 'shortIds'), 'shortIds');
  if (shortIds.length === 0) throw xrayError(CONF, 'empty "shortIds"');
  shortIds.forEach((id, index) => {
    const value = String(id);
    if (value.length > 16) throw xrayError(CONF, `too long "shortIds[${index}]": ${value}`);
    // hex.Decode: even length, either case.
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(value)) throw xrayError(CONF, `invalid "shortIds[${index}]": ${value}`);
  });
  const seed = stringField(reality, 'mldsa65Seed');
  if (seed !== '') {
    if (seed === privateKey) throw xrayError(CONF, `"mldsa65Seed" and "privateKey" can not be the same value: ${seed}`);
    if (base64UrlLength(seed) !== 32) throw xrayError(CONF, `invalid "mldsa65Seed": ${seed}`);
  }
  for (const name of serverNames) {
    const lower = String(name).toLowerCase();
    if (
      lower.endsWith('.ru') || lower.endsWith('.ir') || lower.endsWith('.cn') ||
      lower.includes('apple') || lower.includes('icloud') || lower.includes('microsoft')
    ) {
      warn(CONF, `REALITY: Choosing "${lower}" as the target will increase the likelihood of your server's IP being blocked by the GFW`);
    }
  }
}

/** The minClientVer/maxClientVer loop (transport_security.go:103-134). */
function parseVersion(text, name) {
  text.split('.').forEach((part, index) => {
    if (index === 3) throw xrayError(CONF, `invalid "${name}": ${text}`);
    if (!/^\d+$/.test(part) || Number(part) > 255) throw xrayError(CONF, `"${name}[${index}]" should be less than 256`);
  });
}

/** VLessInboundConfig.Build (infra/conf/vless.go:43-160): an empty client list is accepted. */
function buildVlessSettings(settings) {
  if (!isObject(settings)) throw typeError('object', settings, 'conf.VLessInboundConfig');
  const flow = stringField(settings, 'flow');
  if (flow !== XRV && flow !== '') throw xrayError(CONF, `VLESS "settings.flow" doesn't support "${flow}" in this version`);
  let clients = field(settings, 'clients');
  if (clients === undefined || clients === null) clients = field(settings, 'users');
  const users = listOf(clients, 'clients').map((client) => {
    if (!isObject(client)) {
      throw xrayError(CONF, 'VLESS users: invalid user', goError(`json: cannot unmarshal ${jsonKind(client)} into Go value of type protocol.User`));
    }
    parseUuid(stringField(client, 'id'));
    const userFlow = stringField(client, 'flow');
    if (userFlow !== '' && userFlow !== XRV) throw xrayError(CONF, `VLESS users: "flow" doesn't support "${userFlow}" in this version`);
    if (stringField(client, 'encryption') !== '') throw xrayError(CONF, 'VLESS users: "encryption" should not be in inbound settings');
    return { email: stringField(client, 'email'), id: stringField(client, 'id'), flow: userFlow || flow, level: field(client, 'level') ?? 0 };
  });
  const decryption = stringField(settings, 'decryption');
  if (decryption !== 'none' && !decryption.startsWith('mlkem768x25519plus.')) {
    if (decryption === '') throw xrayError(CONF, 'VLESS settings: please add/set "decryption":"none" to every settings');
    throw xrayError(CONF, `VLESS settings: unsupported "decryption": ${decryption}`);
  }
  return users;
}

/** uuid.ParseString (common/uuid/uuid.go:67-105): 1-30 characters map to a UUIDv5. */
function parseUuid(text) {
  const length = text.length;
  if (length < 32 || length > 36) {
    if (length === 0 || length > 30) throw xrayError('common/uuid', `invalid UUID: ${text}`);
    return;
  }
  let rest = text;
  for (const group of [8, 4, 4, 4, 12]) {
    if (rest.startsWith('-')) rest = rest.slice(1);
    if (rest.length < group) throw xrayError('common/uuid', `invalid UUID: ${text}`);
    const bad = rest.slice(0, group).search(/[^0-9a-fA-F]/);
    if (bad >= 0) throw goError(`encoding/hex: invalid byte: U+00${rest.charCodeAt(bad).toString(16).toUpperCase().padStart(2, '0')} ${JSON.stringify(rest[bad]).replace(/"/g, "'")}`);
    rest = rest.slice(group);
  }
}

/** SniffingConfig.Build (infra/conf/xray.go:64-80): destOverride names. */
function buildSniffing(sniffing) {
  if (!isObject(sniffing)) throw typeError('object', sniffing, 'conf.SniffingConfig');
  for (const name of listOf(field(sniffing, 'destOverride'), 'destOverride')) {
    if (!['http', 'tls', 'https', 'ssl', 'quic', 'fakedns', 'fakedns+others'].includes(String(name).toLowerCase())) {
      throw xrayError(CONF, `unknown protocol: ${name}`);
    }
  }
}

/** OutboundDetourConfig.Build, as far as the protocol name. */
function buildOutbound(outbound) {
  if (!isObject(outbound)) throw typeError('object', outbound, 'conf.OutboundDetourConfig');
  const protocol = stringField(outbound, 'protocol');
  if (!OUTBOUND_PROTOCOLS.has(protocol.toLowerCase())) {
    throw xrayError(CONF, `failed to load outbound detour config for protocol ${protocol}`, xrayError(CONF, `unknown config id: ${protocol}`));
  }
  return { tag: tagOf(outbound), protocol };
}

/** PortList.UnmarshalJSON (infra/conf/common.go:244-275): a number, or "443", "1000-2000,3000". */
export function parsePortList(value) {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      throw xrayError(CONF, `invalid port: ${value}`, goError(`json: cannot unmarshal number ${value} into Go value of type uint32`));
    }
    if (value > 65535) throw xrayError(CONF, `invalid port: ${value}`, xrayError('common/net', `invalid port range: ${value}`));
    return value === 0 ? [] : [value];
  }
  if (typeof value !== 'string') {
    throw xrayError(CONF, `invalid port: ${JSON.stringify(value)}`, goError(`json: cannot unmarshal ${jsonKind(value)} into Go value of type uint32`));
  }
  const ports = [];
  for (const part of value.split(',').map((item) => item.trim()).filter(Boolean)) {
    const range = part.split('-', 2);
    for (const end of range) {
      if (!/^\d+$/.test(end) || Number(end) > 65535) throw xrayError(CONF, `invalid ${range.length > 1 ? 'port range' : 'port'}: ${part}`, xrayError('common/net', `invalid port range: ${end}`));
    }
    const from = Number(range[0]);
    const to = Number(range.at(-1));
    for (let port = from; port <= to && ports.length < 65536; port += 1) ports.push(port);
  }
  return ports;
}

/** Go's net.SplitHostPort, enough for "host:port" and "[v6]:port". */
export function splitHostPort(text) {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(text);
  if (!match) return undefined;
  return { host: match[1] ?? match[2], port: match[3] };
}

function base64UrlLength(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return -1;
  return Buffer.from(text, 'base64url').length;
}

function removedFeature(feature, replacement) {
  return xrayError('common/errors', `The feature ${feature} has been removed and migrated to ${replacement}. Please update your config(s) according to release note and documentation.`);
}

function listOf(value, name) {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw typeError('array', value, name);
  return value;
}

function stringList(value) {
  if (typeof value === 'string') return value.split(',').map((item) => item.trim()).filter(Boolean);
  return listOf(value, 'list').map(String);
}

function stringField(object, name) {
  const value = field(object, name);
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw typeTextError(value, name);
  return value;
}

/** `build()`, its failure wrapped as Xray's caller wraps it: errors.New(context).Base(err), "context > inner". */
function builtIn(context, build) {
  try {
    return build();
  } catch (error) {
    throw xrayError(CONF, context, error);
  }
}

function tagOf(object) {
  const tag = field(object, 'tag');
  return typeof tag === 'string' ? tag : '';
}

function typeError(want, value, where) {
  return goError(`json: cannot unmarshal ${jsonKind(value)} into Go value of type ${want === 'array' ? `[]${where}` : where}`);
}

function typeTextError(value, name) {
  return goError(`json: cannot unmarshal ${jsonKind(value)} into Go struct field .${name} of type string`);
}

function jsonKind(value) {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}

function nonEmpty(value) {
  return isObject(value) ? Object.keys(value).length > 0 : Boolean(value);
}

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
