/** What went wrong, in codes every face (window, web, CLI) can act on; `message` is for admins. */
export type KeyportErrorCode =
  /**
   * The request cannot be done as given. Facts, where a face can help: `missing: 'host' | 'credentials'`
   * (a server added without a host, or with no way to log in), `localPort` (a local port in use),
   * `call`/`argument` (a bridged call refused for its arguments), `field` (a settings field).
   */
  | 'bad-input'
  | 'not-found'
  /** The server, or its agent, does not answer. Facts: `unreachable: 'agent'` when SSH works but the agent's port does not. */
  | 'server-offline'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'auth-failed'
  | 'sudo-password-required'
  /** The SSH password or key passphrase is needed and not stored: give it with `Fleet.provideSecret`. Facts: server, prompt. */
  | 'secret-required'
  | 'agent-not-deployed'
  | 'agent-error'
  | 'deploy-failed'
  /**
   * Another deploy or uninstall holds the server's lock. Facts: owner (that console's host name, or
   * null), ownerConsole, since (ISO, the server's clock), idleSeconds, operation ('deploy' |
   * 'uninstall'), server. `breakLock` takes it, once the admin knows nothing runs there.
   */
  | 'deploy-locked'
  | 'unsupported-server'
  /** Another key on the server has this name (compared without case). Facts: name, holderKeyId. */
  | 'name-taken'
  /** A server backup archive's passphrase is not the one it was written with. Facts: file. */
  | 'backup-passphrase-wrong'
  /** A server backup archive is cut short, changed, or not one at all; nothing was restored. Facts: file, where. */
  | 'backup-damaged'
  /** A restore needs a server without keys; this one has some. Facts: server, keys. */
  | 'server-not-fresh'
  /**
   * The disk holding the agent's data on the server is full, or too full for what was sent; nothing
   * was stored. Facts: httpStatus, and for a snapshot upload the server's freeBytes and its sizeBytes.
   */
  | 'server-disk-full'
  /** Another key on the server has this VLESS uuid (a person has one key per server). Facts: uuid, holderKeyId, server. */
  | 'uuid-taken'
  /** A console export (`keyport import`) is cut short, changed, not one at all, or has a field out of form; nothing was imported. Facts: file, where, field. */
  | 'export-damaged'
  /** A console export's passphrase is not the one its secrets were sealed with. Facts: file. */
  | 'export-passphrase-wrong'
  /** A console export of a format version this Keyport does not read (a newer Keyport's). Facts: file, version, supported. */
  | 'export-version-unsupported'
  /**
   * A subscription listener's certificate or key is refused, checked on this machine before the
   * server is touched. Facts: `problem` ('unreadable' | 'not-pem' | 'not-a-certificate' |
   * 'not-a-key' | 'key-encrypted' | 'key-mismatch' | 'expired' | 'not-yet-valid', or
   * 'missing-on-server' when a redeploy keeps a certificate the server no longer has), `file`, and
   * `notBefore`/`notAfter` (ISO) for the expiry problems.
   */
  | 'certificate-refused'
  /**
   * A new key port range leaves out ports that keys have (their links would stop counting and
   * serving); nothing was changed. Facts: server, from, to (the range asked), outside (how many
   * keys), lowestPort, highestPort (of all keys' ports).
   */
  | 'key-ports-exclude-keys'
  /**
   * A server added by an SSH alias that no `Host` line of the SSH config names (a bare `Host *`
   * does not count: it matches any name). Facts: alias, configPath (as given, `~/.ssh/config` by
   * default), configFound (false when there is no such file).
   */
  | 'ssh-alias-unknown'
  /**
   * The SSH private key file cannot be used to log in, found on this machine before any retry:
   * trying again changes nothing until the file or its passphrase does. Facts: file (when known),
   * `problem` ('missing' | 'unreadable' | 'not-a-private-key' | 'passphrase-needed' |
   * 'passphrase-wrong'), and server (when it is for a known server).
   */
  | 'ssh-key-unusable'
  /** A fault in Keyport itself; the message says what, and it is worth a bug report. */
  | 'internal';

/** Why an SSH private key file cannot log in: the `problem` fact of `ssh-key-unusable`. */
export const SSH_KEY_PROBLEMS = ['missing', 'unreadable', 'not-a-private-key', 'passphrase-needed', 'passphrase-wrong'] as const;

export type SshKeyProblem = (typeof SSH_KEY_PROBLEMS)[number];

export function isSshKeyProblem(problem: unknown): problem is SshKeyProblem {
  return SSH_KEY_PROBLEMS.includes(problem as SshKeyProblem);
}

export class KeyportError extends Error {
  readonly code: KeyportErrorCode;
  /** Facts behind the message, e.g. both fingerprints of a changed host key. Never secrets. */
  readonly facts: Readonly<Record<string, string | number | boolean | null>>;

  constructor(code: KeyportErrorCode, message: string, facts: Record<string, string | number | boolean | null> = {}) {
    super(message);
    this.name = 'KeyportError';
    this.code = code;
    this.facts = facts;
  }
}

export function isKeyportError(error: unknown): error is KeyportError {
  return error instanceof KeyportError;
}
