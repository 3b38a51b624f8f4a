// `xray api lsi` output: HandlerService.ListInbounds (app/proxyman/command/command.go:103-123)
// printed by showJSONResponse (main/commands/all/api/shared.go:111-121) through
// common/reflect/marshal.go: 4-space indent, keys sorted, empty fields left out, typed messages
// inlined with a "_TypedMessage_" key, byte fields as arrays of numbers.
//
// The reply's protobuf size is estimated so the client can apply gRPC's 4 MiB receive limit.

const RECEIVER = 'xray.app.proxyman.ReceiverConfig';
const REALITY = 'xray.transport.internet.reality.Config';
const TLS = 'xray.transport.internet.tls.Config';
const VLESS_INBOUND = 'xray.proxy.vless.inbound.Config';
const VLESS_ACCOUNT = 'xray.proxy.vless.Account';

export function listInboundsJson(inbounds, isOnlyTags) {
  const list = inbounds.map((inbound) => (isOnlyTags ? { tag: inbound.tag } : fullEntry(inbound)));
  return `${JSON.stringify(sortKeys(dropEmpty({ inbounds: list }) ?? {}), null, 4)}\n`;
}

function fullEntry(inbound) {
  return {
    tag: inbound.tag,
    receiverSettings: receiverSettings(inbound),
    proxySettings: proxySettings(inbound),
  };
}

function receiverSettings(inbound) {
  const raw = inbound.raw;
  const stream = raw.streamSettings ?? {};
  const security = securitySettings(inbound);
  return {
    _TypedMessage_: RECEIVER,
    portList: inbound.ports.length === 1 ? inbound.ports[0] : inbound.ports.join(','),
    // Only a configured listen is in the ReceiverConfig; 0.0.0.0 is the handler's default.
    listen: raw.listen === undefined || raw.listen === null ? undefined : inbound.listen,
    streamSettings: {
      protocolName: networkName(stream.network),
      securityType: security?._TypedMessage_,
      securitySettings: security ? [security] : undefined,
    },
  };
}

function securitySettings(inbound) {
  const stream = inbound.raw.streamSettings ?? {};
  if (inbound.security === 'tls') return { _TypedMessage_: TLS };
  if (inbound.security !== 'reality') return undefined;
  const reality = stream.realitySettings ?? {};
  const dest = reality.target ?? reality.dest;
  return {
    _TypedMessage_: REALITY,
    show: reality.show || undefined,
    dest: typeof dest === 'number' ? `localhost:${dest}` : dest,
    type: 'tcp',
    xver: reality.xver,
    serverNames: reality.serverNames,
    privateKey: [...Buffer.from(reality.privateKey ?? '', 'base64url')],
    minClientVer: versionBytes(reality.minClientVer) ?? [26, 3, 27],
    maxClientVer: versionBytes(reality.maxClientVer),
    maxTimeDiff: reality.maxTimeDiff,
    shortIds: (reality.shortIds ?? []).map((id) => {
      const bytes = Buffer.alloc(8);
      Buffer.from(id, 'hex').copy(bytes);
      return [...bytes];
    }),
    limitFallbackUpload: {},
    limitFallbackDownload: {},
  };
}

function proxySettings(inbound) {
  const settings = inbound.raw.settings ?? {};
  return {
    _TypedMessage_: inbound.protocol === 'vless' ? VLESS_INBOUND : `xray.proxy.${inbound.protocol}.inbound.Config`,
    users: inbound.users.map((user) => ({
      level: user.level,
      email: user.email,
      account: { _TypedMessage_: VLESS_ACCOUNT, id: user.id, flow: user.flow },
    })),
    decryption: settings.decryption,
  };
}

/**
 * The protobuf size of the ListInboundsResponse: each field costs its key byte, a length varint
 * and its bytes; a TypedMessage is its type name plus its serialized value. Close to what Xray
 * sends (within some bytes per inbound): the agent's inbound with one client, a REALITY key, two
 * short ids and one server name comes to about 420 bytes, so 10,000 of them exceed 4 MiB.
 */
export function estimateWireSize(inbounds, isOnlyTags) {
  let total = 0;
  for (const inbound of inbounds) {
    const entry = isOnlyTags ? bytesField(inbound.tag) : bytesField(inbound.tag) + typed(RECEIVER, receiverSize(inbound)) + typed(proxyType(inbound), proxySize(inbound));
    total += message(entry);
  }
  return total;
}

function receiverSize(inbound) {
  const portList = message(message(varint(inbound.ports[0] ?? 0) * 2 + 2));
  const listen = inbound.listen ? message(message(inbound.listen.includes(':') ? 16 : 4)) : 0;
  let stream = bytesField(networkName(inbound.raw.streamSettings?.network));
  if (inbound.security === 'reality') stream += bytesField(REALITY) + typed(REALITY, realitySize(inbound));
  else if (inbound.security === 'tls') stream += bytesField(TLS) + typed(TLS, 0);
  return portList + listen + message(stream);
}

function realitySize(inbound) {
  const reality = inbound.raw.streamSettings?.realitySettings ?? {};
  const dest = String(reality.target ?? reality.dest ?? '');
  let size = bytesField(dest) + bytesField('tcp') + bytesField('x'.repeat(32)) + bytesField('xxx');
  for (const name of reality.serverNames ?? []) size += bytesField(String(name));
  for (const _ of reality.shortIds ?? []) size += bytesField('x'.repeat(8));
  return size + 2 * message(0);
}

function proxySize(inbound) {
  let size = bytesField(String(inbound.raw.settings?.decryption ?? ''));
  for (const user of inbound.users) {
    const account = bytesField(user.id.length >= 32 ? 'x'.repeat(36) : 'x'.repeat(36)) + bytesField(user.flow);
    size += message(2 + bytesField(user.email) + typed(VLESS_ACCOUNT, account));
  }
  return size;
}

function proxyType(inbound) {
  return inbound.protocol === 'vless' ? VLESS_INBOUND : `xray.proxy.${inbound.protocol}.inbound.Config`;
}

/** A TypedMessage field: {type, value}. */
function typed(type, valueSize) {
  return message(bytesField(type) + message(valueSize));
}

function bytesField(text) {
  const length = Buffer.byteLength(text ?? '');
  return length === 0 ? 0 : message(length);
}

function message(size) {
  return 1 + varint(size) + size;
}

function varint(value) {
  let bytes = 1;
  for (let rest = value; rest >= 128; rest = Math.floor(rest / 128)) bytes += 1;
  return bytes;
}

function networkName(network) {
  const name = String(network ?? 'tcp').toLowerCase();
  return { raw: 'tcp', xhttp: 'splithttp', ws: 'websocket', kcp: 'mkcp' }[name] ?? name;
}

function versionBytes(text) {
  return typeof text === 'string' && text !== '' ? text.split('.').map(Number) : undefined;
}

/** isNullValue (marshal.go:60-73): empty strings, nils and omitempty zeros are left out. */
function dropEmpty(value) {
  if (Array.isArray(value)) return value.map((item) => dropEmpty(item) ?? {});
  if (value === undefined || value === null || value === '' || value === 0 || value === false) return undefined;
  if (typeof value !== 'object') return value;
  const out = {};
  for (const [key, item] of Object.entries(value)) {
    const kept = dropEmpty(item);
    if (kept !== undefined && !(Array.isArray(kept) && kept.length === 0)) out[key] = kept;
  }
  return out;
}

/** Go's encoding/json writes map keys sorted. */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
}
