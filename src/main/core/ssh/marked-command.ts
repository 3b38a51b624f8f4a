import { randomBytes } from 'node:crypto';
import { shellQuote, type CommandResult } from './remote-host.ts';

/** What an exec channel gave back, before the markers are taken off. */
export interface RawOutput {
  stdout: Buffer;
  stderr: Buffer;
  /** The channel's exit status (a signal as 128 + its number). */
  exitCode: number;
}

export interface MarkedCommand {
  /** What the SSH user's login shell is asked to run. */
  commandLine: string;
  /** The command's own output and exit code; undefined when it never started (no opening marker). */
  read(raw: RawOutput): CommandResult | undefined;
}

const RS = '\x1e';

/**
 * Wraps a shell command line so that its output can be told from whatever the login shell prints
 * around it: rc files (~/.bashrc, /etc/bash.bashrc: bash reads them even for `ssh host cmd`),
 * EXIT traps, ForceCommand wrappers. A fresh random marker opens and closes the command's stdout
 * and stderr; the closing one carries the exit code, so a shell that exits otherwise cannot change it.
 *
 * The command runs in `sh -c` of its own, so its `exit` or syntax error still reaches the closing
 * marker. The markers hold a control character that the command line itself never does (printf
 * makes it from `\036`), so output that shows the command line (a process list) cannot fake one.
 */
export function markCommand(command: string, nonce = randomBytes(12).toString('hex')): MarkedCommand {
  const open = `${RS}KP${nonce}<${RS}\n`;
  const close = `${RS}KP${nonce}>`;
  const wrapper = [
    `printf '\\036KP%s<\\036\\n' ${nonce}`,
    `printf '\\036KP%s<\\036\\n' ${nonce} >&2`,
    'sh -c "$1"',
    'kp_status=$?',
    `printf '\\036KP%s>%s\\036\\n' ${nonce} "$kp_status"`,
    `printf '\\036KP%s>\\036\\n' ${nonce} >&2`,
    'exit "$kp_status"',
  ].join('; ');
  return {
    commandLine: `sh -c ${shellQuote(wrapper)} keyport ${shellQuote(command)}`,
    read(raw) {
      const stdout = between(raw.stdout, open, close);
      if (!stdout) return undefined;
      const tail = raw.stdout.subarray(stdout.closedAt + close.length).toString('latin1');
      const status = tail.slice(0, Math.max(tail.indexOf(RS), 0));
      return {
        stdout: stdout.text,
        stderr: between(raw.stderr, open, close)?.text ?? '',
        exitCode: /^\d{1,3}$/.test(status) ? Number(status) : raw.exitCode,
      };
    },
  };
}

/** The text after `open` up to `close` (or to the end, when the command was cut short). */
function between(output: Buffer, open: string, close: string): { text: string; closedAt: number } | undefined {
  const opened = output.indexOf(open, 0, 'latin1');
  if (opened < 0) return undefined;
  const start = opened + Buffer.byteLength(open, 'latin1');
  const closed = output.indexOf(close, start, 'latin1');
  const end = closed < 0 ? output.length : closed;
  return { text: output.subarray(start, end).toString('utf8'), closedAt: end };
}
