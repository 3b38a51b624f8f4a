import { isKeyportError } from '../../../shared/contract/errors.ts';
import type { PendingDisable } from '../../../shared/contract/people.ts';
import type { DeployedAgent, SshTarget } from '../../../shared/contract/servers.ts';
import { NONCE_BYTES, SALT_BYTES, scryptParamsInBounds, TAG_BYTES, VERIFIER_BYTES } from '../crypto/passphrase-crypto.ts';
import { SERVER_NAME } from '../services/fleet-service.ts';
import { FINGERPRINT } from '../services/host-key-trust.ts';
import { jumpsOf } from '../services/server-sessions.ts';
import { checkSshTarget } from '../ssh/check-ssh-target.ts';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ConsoleExportDocument,
  type ExportBody,
  type ExportedServer,
  type ExportSecrets,
  type SealedExportSecrets,
} from './console-export-format.ts';
import { exportChecksum } from './export-digest.ts';
import { exportDamaged, exportVersionUnsupported } from './export-errors.ts';

type JsonObject = Record<string, unknown>;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Keyport makes server ids with randomUUID; a little more is read, nothing that is not plain. */
const SERVER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** A trusted key's endpoint as Keyport writes it: `host:port`, an IPv6 host without brackets. */
const ENDPOINT = /^(\S+):(\d{1,5})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** One line of text: no control characters. */
const ONE_LINE = /^[^\u0000-\u001f\u007f]*$/u;

const TOP_FIELDS = ['format', 'version', 'exportedAt', 'servers', 'pendingDisables', 'secrets', 'sha256'];
const PENDING_FIELDS = ['serverId', 'server', 'keyId', 'uuid', 'name', 'dueAt'];
const SEALED_FIELDS = ['cipher', 'kdf', 'salt', 'nonce', 'verifier', 'ciphertext', 'tag'];

/**
 * The parsed JSON of an export, judged whole before anything is imported: the format, then the
 * version (a newer Keyport's file gets `export-version-unsupported`), then the checksum (a file cut
 * short or changed anywhere), then every field. A field out of form is `export-damaged` naming it.
 * A server record's fields this Keyport does not know are carried through (a newer Keyport may add
 * some); anywhere else an unknown field is refused, as the version says what the document holds.
 */
export function checkExportDocument(file: string, parsed: unknown): ConsoleExportDocument {
  if (!isObject(parsed) || parsed.format !== EXPORT_FORMAT) throw exportDamaged(file, 'not a Keyport console export');
  if (typeof parsed.version !== 'number' || !Number.isSafeInteger(parsed.version)) throw exportDamaged(file, 'its version is not a whole number', 'version');
  if (parsed.version !== EXPORT_VERSION) throw exportVersionUnsupported(file, parsed.version);
  if (parsed.sha256 !== exportChecksum(parsed as unknown as ExportBody)) throw exportDamaged(file, 'its contents were changed or cut short: the checksum does not match', 'sha256');

  const check = fieldChecks(file);
  check.knownOnly(parsed, '', TOP_FIELDS);
  check.time(parsed.exportedAt, 'exportedAt');
  const servers = check.array(parsed.servers, 'servers').map((server, index) => checkServer(check, server, `servers[${index}]`));
  const seenIds = new Map<string, number>();
  const seenNames = new Map<string, number>();
  servers.forEach((server, index) => {
    const sameId = seenIds.get(server.id);
    if (sameId !== undefined) check.fail(`servers[${index}].id`, `is servers[${sameId}]'s too`);
    const folded = server.name.toLowerCase();
    const sameName = seenNames.get(folded);
    if (sameName !== undefined) check.fail(`servers[${index}].name`, `is servers[${sameName}]'s too (names are compared without case)`);
    seenIds.set(server.id, index);
    seenNames.set(folded, index);
  });
  const pendingDisables = check.array(parsed.pendingDisables, 'pendingDisables').map((entry, index) => checkPending(check, entry, `pendingDisables[${index}]`, seenIds));
  const secrets = parsed.secrets === null ? null : checkSealed(check, parsed.secrets, 'secrets');
  return { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: parsed.exportedAt as string, servers, pendingDisables, secrets, sha256: parsed.sha256 };
}

/** The secrets once opened: an SSH secret per server of the document, by id. */
export function checkExportSecrets(file: string, opened: unknown, servers: readonly ExportedServer[]): ExportSecrets {
  const check = fieldChecks(file);
  const secrets = check.object(opened, 'secrets (sealed)');
  check.knownOnly(secrets, 'secrets (sealed)', ['sshSecrets']);
  const byServer = check.object(secrets.sshSecrets, 'secrets (sealed).sshSecrets');
  const ids = new Set(servers.map((server) => server.id));
  for (const [serverId, secret] of Object.entries(byServer)) {
    const field = `secrets (sealed).sshSecrets.${serverId}`;
    if (!ids.has(serverId)) check.fail(field, 'is for no server of the file');
    if (typeof secret !== 'string' || secret.length === 0) check.fail(field, 'is not a password or passphrase');
  }
  return { sshSecrets: byServer as Record<string, string> };
}

type FieldChecks = ReturnType<typeof fieldChecks>;

function fieldChecks(file: string) {
  const fail = (field: string, problem: string): never => {
    throw exportDamaged(file, `${field} ${problem}`, field);
  };
  return {
    fail,
    object(value: unknown, field: string): JsonObject {
      return isObject(value) ? value : fail(field, 'is not an object');
    },
    array(value: unknown, field: string): unknown[] {
      return Array.isArray(value) ? value : fail(field, 'is not a list');
    },
    string(value: unknown, field: string, form: RegExp, formName: string): string {
      return typeof value === 'string' && form.test(value) ? value : fail(field, `is not ${formName}`);
    },
    time(value: unknown, field: string): string {
      return typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? value : fail(field, 'is not an ISO 8601 time');
    },
    port(value: unknown, field: string): number {
      return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535 ? value : fail(field, 'is not a port (1-65535)');
    },
    knownOnly(value: JsonObject, field: string, known: readonly string[]): void {
      const unknown = Object.keys(value).find((name) => !known.includes(name));
      if (unknown !== undefined) fail(field === '' ? unknown : `${field}.${unknown}`, 'is not a field this version of the format has');
    },
  };
}

function checkServer(check: FieldChecks, value: unknown, field: string): ExportedServer {
  const server = check.object(value, field);
  check.string(server.id, `${field}.id`, SERVER_ID, 'a server id');
  check.string(server.name, `${field}.name`, SERVER_NAME, 'a server name (1-63 letters, digits, dots, dashes or underscores)');
  checkTarget(check, server.target, `${field}.target`);
  if (server.sshAlias !== null) check.string(server.sshAlias, `${field}.sshAlias`, /^[^\s\u0000-\u001f\u007f]{1,255}$/u, 'an ssh config alias or null');
  check.string(server.hostKeyFingerprint, `${field}.hostKeyFingerprint`, FINGERPRINT, 'a SHA256 host key fingerprint');
  check.time(server.addedAt, `${field}.addedAt`);
  if (server.agent !== null) checkAgent(check, server.agent, `${field}.agent`);
  const pins = check.object(server.hostKeyPins, `${field}.hostKeyPins`);
  for (const [endpoint, fingerprint] of Object.entries(pins)) {
    const port = ENDPOINT.exec(endpoint)?.[2];
    if (port === undefined || Number(port) < 1 || Number(port) > 65535) check.fail(`${field}.hostKeyPins`, `has "${endpoint}", which is not host:port`);
    check.string(fingerprint, `${field}.hostKeyPins["${endpoint}"]`, FINGERPRINT, 'a SHA256 host key fingerprint');
  }
  return server as unknown as ExportedServer;
}

function checkTarget(check: FieldChecks, value: unknown, field: string): void {
  const target = check.object(value, field);
  try {
    checkSshTarget(target as unknown as SshTarget);
  } catch (error) {
    if (isKeyportError(error)) check.fail(field, `is not a login Keyport can use: ${error.message}`);
    throw error;
  }
  const auth = check.object(target.auth, `${field}.auth`);
  if (auth.method === 'key') check.string(auth.keyPath, `${field}.auth.keyPath`, /^[^\u0000-\u001f\u007f]+$/u, 'a file path');
  else if (auth.method !== 'agent' && auth.method !== 'password') check.fail(`${field}.auth.method`, 'is not key, agent or password');
  const hops = check.array(target.proxyJump, `${field}.proxyJump`);
  hops.forEach((hop, index) => check.string(hop, `${field}.proxyJump[${index}]`, ONE_LINE, 'a [user@]host[:port] hop'));
  try {
    jumpsOf(target as unknown as SshTarget);
  } catch (error) {
    if (isKeyportError(error)) check.fail(`${field}.proxyJump`, `has a hop that is not [user@]host[:port]: ${error.message}`);
    throw error;
  }
}

function checkAgent(check: FieldChecks, value: unknown, field: string): DeployedAgent {
  const agent = check.object(value, field);
  check.string(agent.version, `${field}.version`, /^[^\s\u0000-\u001f\u007f]{1,64}$/u, 'a version');
  check.string(agent.release, `${field}.release`, /^[^\s\u0000-\u001f\u007f]{1,128}$/u, 'a release name');
  check.time(agent.deployedAt, `${field}.deployedAt`);
  check.port(agent.apiPort, `${field}.apiPort`);
  if (agent.keyPorts !== undefined) {
    const range = check.object(agent.keyPorts, `${field}.keyPorts`);
    const from = check.port(range.from, `${field}.keyPorts.from`);
    if (check.port(range.to, `${field}.keyPorts.to`) < from) check.fail(`${field}.keyPorts`, 'ends before it starts');
  }
  return agent as unknown as DeployedAgent;
}

function checkPending(check: FieldChecks, value: unknown, field: string, serverIds: ReadonlyMap<string, number>): PendingDisable {
  const entry = check.object(value, field);
  check.knownOnly(entry, field, PENDING_FIELDS);
  if (!serverIds.has(check.string(entry.serverId, `${field}.serverId`, SERVER_ID, 'a server id'))) check.fail(`${field}.serverId`, 'is no server of the file');
  check.string(entry.server, `${field}.server`, /^.{1,255}$/u, 'a server name');
  check.string(entry.keyId, `${field}.keyId`, /^[^\s\u0000-\u001f\u007f]{1,128}$/u, 'a key id');
  check.string(entry.uuid, `${field}.uuid`, UUID, 'a uuid');
  check.string(entry.name, `${field}.name`, ONE_LINE, 'a key name');
  check.time(entry.dueAt, `${field}.dueAt`);
  return entry as unknown as PendingDisable;
}

function checkSealed(check: FieldChecks, value: unknown, field: string): SealedExportSecrets {
  const sealed = check.object(value, field);
  check.knownOnly(sealed, field, SEALED_FIELDS);
  if (sealed.cipher !== 'aes-256-gcm') check.fail(`${field}.cipher`, 'is not aes-256-gcm');
  const kdf = check.object(sealed.kdf, `${field}.kdf`);
  check.knownOnly(kdf, `${field}.kdf`, ['name', 'log2N', 'r', 'p']);
  if (kdf.name !== 'scrypt') check.fail(`${field}.kdf.name`, 'is not scrypt');
  if (!scryptParamsInBounds({ log2N: Number(kdf.log2N), r: Number(kdf.r), p: Number(kdf.p) }) || [kdf.log2N, kdf.r, kdf.p].some((part) => typeof part !== 'number')) {
    check.fail(`${field}.kdf`, 'asks scrypt for settings out of bounds');
  }
  const bytes = (name: string, length?: number) => {
    const text = check.string(sealed[name], `${field}.${name}`, BASE64, 'base64');
    if (length !== undefined && Buffer.from(text, 'base64').length !== length) check.fail(`${field}.${name}`, `is not ${length} bytes`);
  };
  bytes('salt', SALT_BYTES);
  bytes('nonce', NONCE_BYTES);
  bytes('verifier', VERIFIER_BYTES);
  bytes('tag', TAG_BYTES);
  bytes('ciphertext');
  return sealed as unknown as SealedExportSecrets;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
