import type { KeyportErrorCode } from '../../../shared/contract/errors.ts';

type Facts = Readonly<Record<string, string | number | boolean | null>>;

/** What the window offers beside a failure, so the admin acts on it instead of reading raw text. */
export type ErrorAction =
  /** Run the same request again: the server or its agent may answer now. */
  | 'retry'
  /** Open the server, where the trust flow shows both fingerprints and accepts the new one. */
  | 'trust-host-key'
  /** Deploy the agent (again). */
  | 'deploy'
  /** Deploy again taking the lock another console holds (the deploy log says whose and since when). */
  | 'break-lock'
  /** This page is out of step with the console: reloading fixes it. */
  | 'reload';

/**
 * The action for each code; a new code must be given one (or null) here before the renderer
 * compiles. Xray missing or down is no error code: it is a server problem whose fix
 * (`install-xray`, `sync-config`) the problems panel offers.
 */
const ACTIONS = {
  'bad-input': (facts) => (typeof facts.call === 'string' && typeof facts.argument === 'number' ? 'reload' : null),
  'not-found': null,
  'server-offline': 'retry',
  'host-key-unknown': 'trust-host-key',
  'host-key-changed': 'trust-host-key',
  // The login or sudo must be fixed on the server or in the server's settings first.
  'auth-failed': null,
  'sudo-password-required': null,
  // The bridge opens the secret dialog by itself (services.ts).
  'secret-required': null,
  'agent-not-deployed': 'deploy',
  // A call that failed on the agent or on the way (a timeout, a dropped stream).
  'agent-error': 'retry',
  // A failed deploy or Xray install shows in its own log, beside the button that runs it again.
  'deploy-failed': null,
  'deploy-locked': 'break-lock',
  'unsupported-server': null,
  // The form says which key has the name (key-write-error.ts): the fix is another name.
  'name-taken': null,
  // Another passphrase, file or server is the admin's to choose.
  'backup-passphrase-wrong': null,
  'backup-damaged': null,
  'server-not-fresh': null,
  // Space is freed on the server, by the admin.
  'server-disk-full': null,
  // A person has one key per server: the fix is to use the key that has the uuid.
  'uuid-taken': null,
  // Console exports are imported from the CLI; another file or passphrase is the admin's to choose.
  'export-damaged': null,
  'export-passphrase-wrong': null,
  'export-version-unsupported': null,
  // Another certificate or key file is the admin's to give (the deploy dialog keeps the paths).
  'certificate-refused': null,
  // Another range (the message says which ports the keys use) is the admin's to choose.
  'key-ports-exclude-keys': null,
  // The alias or the key file is the admin's to fix (the add-server form offers ~/.ssh/config's hosts).
  'ssh-alias-unknown': null,
  'ssh-key-unusable': null,
  'internal': null,
} as const satisfies Record<KeyportErrorCode, ErrorAction | null | ((facts: Facts) => ErrorAction | null)>;

export function isKeyportErrorCode(code: unknown): code is KeyportErrorCode {
  return typeof code === 'string' && Object.hasOwn(ACTIONS, code);
}

/** The action that fits a failure's code and facts, or null when there is none to offer. */
export function errorAction(code: KeyportErrorCode | null | undefined, facts: Facts | null | undefined = {}): ErrorAction | null {
  if (!code) return null;
  const action: ErrorAction | null | ((facts: Facts) => ErrorAction | null) = ACTIONS[code];
  return typeof action === 'function' ? action(facts ?? {}) : action;
}
