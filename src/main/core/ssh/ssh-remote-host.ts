import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { printable } from './remote-answer.ts';
import { formatSeconds } from './ssh-connect.ts';
import { execRemote } from './ssh-exec.ts';
import { shellQuote, type CommandResult, type RemoteHost, type RunOptions } from './remote-host.ts';

export interface SshRemoteHostOptions {
  /** `user@host:port`, for messages. */
  label: string;
  user: string;
  host: string;
  asRoot: boolean;
  /** The link's live client, connecting (or failing fast) as needed. */
  connection: () => Promise<Client>;
  /** For opening a forwarded stream. */
  openTimeoutMs: number;
}

const defaultRunTimeoutMs = 60_000;
/** Generous: a runtime of tens of MB over a slow uplink. A dead link is caught sooner by keepalive. */
const uploadTimeoutMs = 15 * 60_000;
/** OpenSSH's MaxSessions defaults to 10 session channels per connection; sftp counts, forwards do not. */
const maxSessions = 8;

/** The `RemoteHost` of one `SshLink`: its calls go through whatever connection the link has at the time. */
export class SshRemoteHost implements RemoteHost {
  readonly asRoot: boolean;
  readonly #options: SshRemoteHostOptions;
  readonly #sessions = new SessionSlots(maxSessions);

  constructor(options: SshRemoteHostOptions) {
    this.asRoot = options.asRoot;
    this.#options = options;
  }

  async run(command: string, options: RunOptions = {}): Promise<CommandResult> {
    const asRoot = this.asRoot ? `sh -c ${shellQuote(command)}` : `sudo -n sh -c ${shellQuote(command)}`;
    const result = await this.#exec(asRoot, command, options);
    if (!this.asRoot && result.exitCode !== 0) this.#refuseSudoTrouble(result);
    return result;
  }

  async check(command: string, options?: RunOptions): Promise<string> {
    const result = await this.run(command, options);
    if (result.exitCode !== 0) {
      const stderr = result.stderr.trim() || '(no error output)';
      throw new Error(`${summarize(command)} failed on ${this.#options.label} with exit code ${result.exitCode}: ${stderr}`);
    }
    return result.stdout;
  }

  async upload(localPath: string, remotePath: string, mode: number): Promise<void> {
    // The staging file belongs to the SSH user; root then moves a copy into place.
    const made = await this.#exec('mktemp "${TMPDIR:-/tmp}/keyport-upload.XXXXXX"', 'mktemp', {});
    const staging = made.stdout.trim();
    if (made.exitCode !== 0 || !/^\/[A-Za-z0-9._/-]+$/.test(staging)) {
      throw new Error(`Cannot make a staging file on ${this.#options.label}: ${made.stderr.trim() || `mktemp gave "${printable(staging, 80)}"`}`);
    }
    try {
      await this.#streamPut(localPath, staging);
      await this.check(placeIntoScript(remotePath, `install -m ${octal(mode)} ${shellQuote(staging)} "$part"`));
    } finally {
      await this.#exec(`rm -f ${shellQuote(staging)}`, 'rm staging file', {}).catch(() => undefined);
    }
  }

  async removeStagedUploads(): Promise<number> {
    // The names upload's mktemp gives, in the same TMPDIR.
    const script = 'n=0; for f in "${TMPDIR:-/tmp}"/keyport-upload.??????; do [ -f "$f" ] && rm -f "$f" && n=$((n+1)); done; echo "removed=$n"';
    const result = await this.#exec(script, 'remove staged uploads', {});
    return Number(/^removed=(\d+)$/m.exec(result.stdout)?.[1]) || 0;
  }

  async writeFile(remotePath: string, content: string | Buffer, mode: number): Promise<void> {
    // A cut link ends stdin early, and cat exits 0: only the whole content is renamed into place.
    const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
    await this.check(placeIntoScript(remotePath, `cat > "$part" && [ "$(wc -c < "$part")" -eq ${bytes} ] && chmod ${octal(mode)} "$part"`), { stdin: content });
  }

  async openStream(host: string, port: number): Promise<Duplex> {
    const client = await this.#options.connection();
    const { label, openTimeoutMs } = this.#options;
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        reject(new KeyportError('server-offline', `${label}: no answer to opening ${host}:${port} within ${formatSeconds(openTimeoutMs)}`));
      }, openTimeoutMs);
      try {
        client.forwardOut('127.0.0.1', 0, host, port, (error, channel) => {
          clearTimeout(timer);
          if (timedOut) return void channel?.close();
          if (error) reject(new Error(`${label} cannot open ${host}:${port} on the server: ${error.message}`));
          else resolve(channel);
        });
      } catch (error) {
        clearTimeout(timer);
        reject(new KeyportError('server-offline', `${label}: not connected (${(error as Error).message})`));
      }
    });
  }

  /** Runs a command line as the SSH user, without sudo. */
  async #exec(commandLine: string, summary: string, options: RunOptions): Promise<CommandResult> {
    return this.#sessions.use(async () => {
      const client = await this.#options.connection();
      return execRemote(client, commandLine, {
        label: this.#options.label,
        summary: summarize(summary),
        stdin: options.stdin,
        timeoutMs: options.timeoutMs ?? defaultRunTimeoutMs,
      });
    });
  }

  /**
   * Fills the staging file over an exec channel's stdin, not SFTP: OpenSSH's sftp-server (Debian's
   * default subsystem) starts through the login shell, and a shell that prints a greeting breaks
   * its protocol. The file must then hold every byte sent.
   */
  async #streamPut(localPath: string, stagingPath: string): Promise<void> {
    const { size } = await stat(localPath);
    const staging = shellQuote(stagingPath);
    const result = await this.#exec(`cat > ${staging} && [ "$(wc -c < ${staging})" -eq ${size} ]`, `upload to ${stagingPath}`, {
      stdin: createReadStream(localPath),
      timeoutMs: uploadTimeoutMs,
    });
    if (result.exitCode !== 0) {
      throw new Error(`Uploading ${localPath} to ${this.#options.label} failed: ${result.stderr.trim() || `the copy did not hold all ${size} bytes`}`);
    }
  }

  #refuseSudoTrouble(result: CommandResult): void {
    const { user, host } = this.#options;
    if (/^sudo: .*(password is required|terminal is required|not in the sudoers|may not run sudo)/m.test(result.stderr)) {
      throw new KeyportError(
        'sudo-password-required',
        `${user} on ${host} needs a password for sudo; Keyport needs passwordless sudo for this user ` +
          `(e.g. '${user} ALL=(ALL) NOPASSWD: ALL' in /etc/sudoers.d/keyport) or a root login`,
        { user, host },
      );
    }
    if (result.exitCode === 127 && /sudo: (command )?not found|sudo: No such file/.test(result.stderr)) {
      throw new KeyportError(
        'unsupported-server',
        `${user} on ${host} is not root and ${host} has no sudo; Keyport needs a root login, or sudo installed ` +
          `with passwordless sudo for ${user}`,
        { user, host },
      );
    }
  }
}

/** A script (run as root) that fills a fresh temporary file beside `remotePath`, then renames it over. */
function placeIntoScript(remotePath: string, fill: string): string {
  return [
    `part=$(mktemp ${shellQuote(`${remotePath}.XXXXXX`)}) || exit 1`,
    `if ${fill} && mv -f "$part" ${shellQuote(remotePath)}; then exit 0; fi`,
    'rm -f "$part"',
    'exit 1',
  ].join('\n');
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

function summarize(command: string): string {
  const firstLine = command.trim().split('\n')[0]!;
  return firstLine.length > 80 || command.trim().includes('\n') ? `\`${firstLine.slice(0, 80)}…\`` : `\`${firstLine}\``;
}

/** Caps how many session channels are open at once; callers beyond wait their turn. */
class SessionSlots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    }
  }
}
