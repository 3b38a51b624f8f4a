import type { Duplex, Readable } from 'node:stream';

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  /** Bytes written to the command's stdin, then closed (a stream is piped). Secrets go here, never into the command line. */
  stdin?: string | Buffer | Readable;
  /** The call fails with a clear error after this long (default 60 s). */
  timeoutMs?: number;
}

/**
 * One server as the core sees it, over its one shared SSH connection. Commands are fixed strings
 * built by Keyport (arguments quoted with `shellQuote`); nothing an admin types reaches them.
 */
export interface RemoteHost {
  /** The SSH user is root: commands run as they are. Otherwise `sudo -n` runs them. */
  readonly asRoot: boolean;
  /**
   * Runs `command` with `sh -c` as root (directly, or through `sudo -n`). Non-zero exit is not an
   * error here. The result is exactly the command's own output: what the login shell prints around
   * it (a greeting in ~/.bashrc) is left out.
   */
  run(command: string, options?: RunOptions): Promise<CommandResult>;
  /** Like run, but a non-zero exit throws an Error that carries the command's stderr. */
  check(command: string, options?: RunOptions): Promise<string>;
  /** Copies a local file to `remotePath` (owned by root, `mode`), over a command's stdin into a part file renamed over it. */
  upload(localPath: string, remotePath: string, mode: number): Promise<void>;
  /**
   * Removes the staging files uploads leave when their link is cut (as the SSH user, who owns them).
   * Only for a caller that knows no upload to this server is under way (deploy, holding its lock). Returns how many.
   */
  removeStagedUploads(): Promise<number>;
  /** Writes `content` to `remotePath` as root with `mode`; the content travels over stdin. */
  writeFile(remotePath: string, content: string | Buffer, mode: number): Promise<void>;
  /** A TCP stream to host:port as seen from the server (an ssh2 `forwardOut` channel). */
  openStream(host: string, port: number): Promise<Duplex>;
}

/** Quotes one argument for `sh`. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
