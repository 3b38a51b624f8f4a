import { isKeyportError, type KeyportError, type KeyportErrorCode } from '../../shared/contract/errors.ts';
import type { CliIo } from './command.ts';
import { exitCodeFor } from './exit-codes.ts';
import { writeJson } from './write-json.ts';

type Facts = KeyportError['facts'];

/** The core's messages name no face; these tell a CLI user the command that helps next. */
const HINTS: Partial<Record<KeyportErrorCode, (facts: Facts) => string | undefined>> = {
  // Exit 3 tells scripts; this tells people, whose next read would be served from the cache.
  'bad-input': (facts) => {
    if (facts.missing === 'host') return 'give --host HOST or --alias HOSTALIAS';
    if (facts.missing === 'credentials') return 'pass --key FILE, --agent (with ssh-agent running) or --password-stdin';
    if (facts.localPort !== undefined) return 'pick another with --port';
    const flag = typeof facts.field === 'string' ? LIMIT_FLAGS[facts.field] : undefined;
    if (flag) return typeof facts.index === 'number' ? `fix that row's "${flag.column}" cell, or ${flag.flag} if it came from there` : `give another ${flag.flag}`;
    if (facts.reason === 'secrets-sealed-elsewhere') return 'export without --with-secrets: the new laptop asks for them on first connect';
    return undefined;
  },
  'server-offline': () => 'server offline: reads come from the local cache; changes need the server',
  'agent-not-deployed': (facts) => (facts.server ? `keyport server deploy ${facts.server} deploys it` : undefined),
  'host-key-changed': (facts) => (facts.presented && !facts.given ? trustHint(facts.server, facts.presented) : undefined),
  // Only a known server can be trusted afterwards; adding one asks for --accept-host-key itself.
  'host-key-unknown': (facts) => (facts.server && facts.fingerprint && !facts.given ? trustHint(facts.server, facts.fingerprint) : undefined),
  'not-found': (facts) => (facts.unknownServer ? 'keyport server list shows the servers' : undefined),
  'deploy-locked': (facts) =>
    `if no deploy or uninstall is running there any more (say, its laptop went offline): keyport server ${facts.operation === 'uninstall' ? 'uninstall' : 'deploy'} ${facts.server ?? 'SERVER'} --break-lock`,
  'export-damaged': () => 'export again from the old laptop (keyport export FILE), and copy the file whole',
  'export-version-unsupported': () => 'a newer Keyport wrote it: update this one to import it',
  'server-not-fresh': () => 'a backup is restored onto a server without keys: a freshly deployed one, or this one once its keys are deleted',
  'server-disk-full': () => 'free space on that disk of the server, then run it again',
  'name-taken': (facts) =>
    `no two keys on a server may share a name, in any letter case: choose another name` +
    (facts.server && facts.holderKeyId ? `, or rename the other key first: keyport keys rename ${facts.server} ${facts.holderKeyId} NEWNAME` : ''),
  'certificate-refused': (facts) => CERTIFICATE_HINTS[String(facts.problem)],
  'uuid-taken': (facts) =>
    `a person has one key per server, and this server has theirs already` + (facts.server ? `: keyport people show ${facts.uuid ?? 'PERSON'} lists it` : ''),
};

const GIVE_AGAIN = 'deploy again with --subscription-tls-cert FILE --subscription-tls-key FILE';
/** What helps with each problem the core finds in a subscription certificate or key. */
const CERTIFICATE_HINTS: Record<string, string | undefined> = {
  'key-mismatch': `give the key the certificate was made for: ${GIVE_AGAIN}`,
  'key-encrypted': `give the key without its passphrase: ${GIVE_AGAIN}`,
  expired: `renew the certificate, then ${GIVE_AGAIN}`,
  'not-yet-valid': "check this machine's clock, or wait until the certificate is valid",
  'missing-on-server': `${GIVE_AGAIN}, or --no-subscription-tls for plain HTTP`,
};

/** The CLI's flag and CSV column for each limit field the core names. */
const LIMIT_FLAGS: Record<string, { flag: string; column: string } | undefined> = {
  data_limit_bytes: { flag: '--limit', column: 'limit' },
  data_limit_reset: { flag: '--reset', column: 'reset' },
  expires_at: { flag: '--expires', column: 'expires' },
  note: { flag: '--note', column: 'note' },
};

function trustHint(server: Facts[string] | undefined, fingerprint: Facts[string] | undefined): string {
  return `once you checked it on the server: keyport server trust ${server ?? 'SERVER'} --accept-host-key ${fingerprint}`;
}

/**
 * `keyport: <message>` on stderr, with the error's facts the message does not already show (they
 * never hold secrets); with --json also `{"error": {code, message, facts}}` on stdout. Returns the exit code.
 */
export function reportError(io: CliIo, error: unknown, json: boolean): number {
  const message = error instanceof Error ? error.message : String(error);
  const code = isKeyportError(error) ? error.code : 'unexpected';
  const facts = isKeyportError(error) ? error.facts : {};
  const unsaid = Object.entries(facts).filter(([, value]) => value !== null && !message.includes(String(value)));
  const hint = isKeyportError(error) ? HINTS[error.code]?.(error.facts) : undefined;
  io.stderr.write(`keyport: ${message}\n${unsaid.map(([name, value]) => `  ${name}: ${value}\n`).join('')}${hint ? `  (${hint})\n` : ''}`);
  if (json) writeJson(io.stdout, { error: { code, message, facts } });
  return exitCodeFor(error);
}
