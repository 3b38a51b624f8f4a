// The subset of Xray's config checks that matter to Keyport: the shape of the API listener and of
// VLESS+Reality inbounds. Every check throws a ConfigError whose message names the bad field.

export class ConfigError extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const X25519_PRIVATE_KEY = /^[A-Za-z0-9_-]{43}$/;
const SHORT_ID = /^(?:[0-9a-f]{2}){0,8}$/;
const VERSION = /^\d+\.\d+\.\d+$/;

/** Checks a whole config file (already parsed from JSON). */
export function validateConfig(config) {
  if (!isObject(config)) fail('the config must be a JSON object');
  if (config.api !== undefined) validateApi(config.api);
  const inbounds = config.inbounds ?? [];
  if (!Array.isArray(inbounds)) fail('"inbounds" must be an array');
  inbounds.forEach((inbound, index) => validateInbound(inbound, `inbounds[${index}]`));
  requireUnique(inbounds.map((inbound) => inbound.tag), 'inbound tag');
  requireUnique(inbounds.map((inbound) => inbound.port), 'inbound port');
  if (config.outbounds !== undefined && !Array.isArray(config.outbounds)) fail('"outbounds" must be an array');
}

/** Checks one inbound on its own, as `xray api adi` builds each one before sending it. */
export function validateInbound(inbound, where = 'inbound') {
  if (!isObject(inbound)) fail(`${where} must be an object`);
  const at = `${where} (tag ${JSON.stringify(inbound.tag)})`;
  if (typeof inbound.tag !== 'string' || inbound.tag === '') fail(`${where}: "tag" must be a non-empty string`);
  if (!isPort(inbound.port)) fail(`${at}: "port" must be an integer from 1 to 65535, got ${JSON.stringify(inbound.port)}`);
  if (inbound.listen !== undefined && (typeof inbound.listen !== 'string' || inbound.listen === '')) {
    fail(`${at}: "listen" must be an address`);
  }
  if (typeof inbound.protocol !== 'string' || inbound.protocol === '') fail(`${at}: "protocol" is missing`);
  if (inbound.protocol === 'vless') validateVlessSettings(inbound.settings, at);
  if (inbound.streamSettings !== undefined) validateStreamSettings(inbound.streamSettings, at);
}

/** Splits `host:port` (or `[v6]:port`); undefined when the text is not of that form. */
export function parseHostPort(text) {
  if (typeof text !== 'string') return undefined;
  const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[3]);
  return isPort(port) ? { host: match[1] ?? match[2], port } : undefined;
}

function validateApi(api) {
  if (!isObject(api)) fail('"api" must be an object');
  if (!parseHostPort(api.listen)) fail(`api.listen must be host:port, got ${JSON.stringify(api.listen)}`);
}

function validateVlessSettings(settings, at) {
  if (!isObject(settings)) fail(`${at}: VLESS "settings" is missing`);
  if (settings.decryption !== 'none') {
    fail(`${at}: VLESS settings: please add/set "decryption":"none" to every settings`);
  }
  if (!Array.isArray(settings.clients) || settings.clients.length === 0) fail(`${at}: VLESS settings: "clients" is empty`);
  settings.clients.forEach((client, index) => {
    if (!isObject(client)) fail(`${at}: clients[${index}] must be an object`);
    if (typeof client.id !== 'string' || !UUID.test(client.id)) {
      fail(`${at}: clients[${index}]: invalid user id ${JSON.stringify(client.id)}`);
    }
    // Real Xray treats an empty flow like an absent one.
    if (client.flow !== undefined && client.flow !== '' && client.flow !== 'xtls-rprx-vision') {
      fail(`${at}: clients[${index}]: unsupported flow ${JSON.stringify(client.flow)}`);
    }
  });
}

function validateStreamSettings(stream, at) {
  if (!isObject(stream)) fail(`${at}: "streamSettings" must be an object`);
  if (stream.security === 'reality') validateReality(stream.realitySettings, at);
}

function validateReality(reality, at) {
  const where = `${at}: realitySettings`;
  if (!isObject(reality)) fail(`${where} is missing`);
  if (typeof reality.privateKey !== 'string' || !X25519_PRIVATE_KEY.test(reality.privateKey)) {
    fail(`${where}: invalid "privateKey" (want 32 bytes as 43 base64url characters)`);
  }
  const dest = reality.dest ?? reality.target;
  if (!parseHostPort(dest)) fail(`${where}: "dest" must be host:port, got ${JSON.stringify(dest)}`);
  const names = reality.serverNames;
  if (!Array.isArray(names) || names.length === 0 || !names.every((name) => typeof name === 'string' && name !== '')) {
    fail(`${where}: "serverNames" must be a non-empty list of names`);
  }
  if (!Array.isArray(reality.shortIds)) fail(`${where}: "shortIds" must be a list`);
  for (const id of reality.shortIds) {
    if (typeof id !== 'string' || !SHORT_ID.test(id)) {
      fail(`${where}: invalid short ID ${JSON.stringify(id)} (want even-length lowercase hex, at most 16 chars)`);
    }
  }
  // Stricter than Xray, on purpose: an empty minClientVer starts, but then refuses most clients.
  if (typeof reality.minClientVer !== 'string' || !VERSION.test(reality.minClientVer)) {
    fail(`${where}: "minClientVer" must be set to a version like "1.0.0", got ${JSON.stringify(reality.minClientVer)}`);
  }
}

function requireUnique(values, what) {
  const seen = new Set();
  for (const value of values) {
    if (seen.has(value)) fail(`duplicate ${what}: ${JSON.stringify(value)}`);
    seen.add(value);
  }
}

function isPort(value) {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message) {
  throw new ConfigError(message);
}
