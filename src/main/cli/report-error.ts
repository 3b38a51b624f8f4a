import { isKeyportError, isSshKeyProblem, type KeyportError, type KeyportErrorCode } from '../../shared/contract/errors.ts';
import type { CliIo } from './command.ts';
import { exitCodeFor } from './exit-codes.ts';
import { cliLanguage, cliWords, type CliLanguage, type CliWords } from './i18n/cli-i18n.ts';
import { writeJson } from './write-json.ts';

type Facts = KeyportError['facts'];

/** The core's messages name no face; these tell a CLI user the command that helps next. */
const HINTS: Partial<Record<KeyportErrorCode, (facts: Facts, t: CliWords) => string | undefined>> = {
  // Exit 3 tells scripts; this tells people, whose next read would be served from the cache.
  'bad-input': (facts, t) => {
    if (facts.missing === 'host') return t('report.hint.missingHost');
    if (facts.missing === 'credentials') return t('report.hint.missingCredentials');
    if (facts.localPort !== undefined) return t('report.hint.localPort');
    const flag = typeof facts.field === 'string' ? LIMIT_FLAGS[facts.field] : undefined;
    if (flag) return typeof facts.index === 'number' ? t('report.hint.limitCell', flag) : t('report.hint.limitFlag', flag);
    if (facts.reason === 'secrets-sealed-elsewhere') return t('report.hint.secretsElsewhere');
    return undefined;
  },
  'server-offline': (_facts, t) => t('report.hint.serverOffline'),
  'agent-not-deployed': (facts, t) => (facts.server ? t('report.hint.deploy', { server: String(facts.server) }) : undefined),
  'host-key-changed': (facts, t) => (facts.presented && !facts.given ? trustHint(t, facts.server, facts.presented) : undefined),
  // Only a known server can be trusted afterwards; adding one asks for --accept-host-key itself.
  'host-key-unknown': (facts, t) => (facts.server && facts.fingerprint && !facts.given ? trustHint(t, facts.server, facts.fingerprint) : undefined),
  'not-found': (facts, t) => (facts.unknownServer ? t('report.hint.serverList') : undefined),
  'deploy-locked': (facts, t) =>
    t('report.hint.breakLock', { command: facts.operation === 'uninstall' ? 'uninstall' : 'deploy', server: String(facts.server ?? 'SERVER') }),
  'export-damaged': (_facts, t) => t('report.hint.exportDamaged'),
  'export-version-unsupported': (_facts, t) => t('report.hint.exportVersion'),
  'server-not-fresh': (_facts, t) => t('report.hint.notFresh'),
  'server-disk-full': (_facts, t) => t('report.hint.diskFull'),
  'name-taken': (facts, t) =>
    facts.server && facts.holderKeyId
      ? t('report.hint.nameTakenRename', { server: String(facts.server), holder: String(facts.holderKeyId) })
      : t('report.hint.nameTaken'),
  'uuid-taken': (facts, t) => (facts.server ? t('report.hint.uuidTakenShow', { person: String(facts.uuid ?? 'PERSON') }) : t('report.hint.uuidTaken')),
  'certificate-refused': (facts) => CERTIFICATE_HINTS[String(facts.problem)],
  'key-ports-exclude-keys': (facts, t) =>
    typeof facts.from === 'number' && typeof facts.to === 'number' && typeof facts.lowestPort === 'number' && typeof facts.highestPort === 'number'
      ? t('report.hint.keyPortsHoldKeys', { server: String(facts.server ?? 'SERVER'), from: Math.min(facts.from, facts.lowestPort), to: Math.max(facts.to, facts.highestPort) })
      : undefined,
  'ssh-alias-unknown': (facts, t) => t('report.hint.aliasUnknown', { alias: String(facts.alias), configPath: String(facts.configPath ?? '~/.ssh/config') }),
  'ssh-key-unusable': (facts, t) => (isSshKeyProblem(facts.problem) ? t(`report.hint.key.${facts.problem}`) : undefined),
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

function trustHint(t: CliWords, server: Facts[string] | undefined, fingerprint: Facts[string] | undefined): string {
  return t('report.hint.trust', { server: String(server ?? 'SERVER'), fingerprint: String(fingerprint) });
}

/**
 * The language the core writes its messages in: in it they stand as they are; in another the CLI
 * leads with its own words for the code, and the core's message follows (it is never parsed).
 */
const CORE_LANGUAGE: CliLanguage = 'en';

/**
 * `keyport: <message>` on stderr, with the error's facts the message does not already show (they
 * never hold secrets); with --json also `{"error": {code, message, facts}}` on stdout. Returns the exit code.
 */
export function reportError(io: CliIo, error: unknown, json: boolean): number {
  const message = error instanceof Error ? error.message : String(error);
  const code = isKeyportError(error) ? error.code : 'unexpected';
  const facts = isKeyportError(error) ? error.facts : {};
  const unsaid = Object.entries(facts).filter(([, value]) => value !== null && !message.includes(String(value)));
  const t = cliWords(io.env);
  const hint = isKeyportError(error) ? HINTS[error.code]?.(error.facts, t) : undefined;
  const words = cliLanguage(io.env) === CORE_LANGUAGE ? message : t('report.withSummary', { summary: t(`report.summary.${code}`), message });
  io.stderr.write(`keyport: ${words}\n${unsaid.map(([name, value]) => `  ${name}: ${value}\n`).join('')}${hint ? `  (${hint})\n` : ''}`);
  if (json) writeJson(io.stdout, { error: { code, message, facts } });
  return exitCodeFor(error);
}
