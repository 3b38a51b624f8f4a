import type { Readable } from 'node:stream';
import type { KeyportCore } from '../core/keyport-core.ts';

export interface TextSink {
  write(text: string): unknown;
}

/** What a command may touch besides the core; main.ts gives the process's, tests their own. */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  stdin: Readable & { setRawMode?: (raw: boolean) => unknown };
  /** Whether stdin is a terminal: keyport asks questions only then. */
  isTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  now(): Date;
  /** Resolves on SIGINT or SIGTERM; `keyport tunnel` stays open until then. */
  untilStopped(): Promise<void>;
}

/** How run-cli wants the core opened for a command. */
export interface CoreOptions {
  askOnTerminal: boolean;
}

export interface CommandContext extends CliIo {
  core: KeyportCore;
  /** `--json` was given: the answer goes to stdout as JSON (answer.ts), progress as JSON lines on stderr. */
  json: boolean;
}

/** A command line that parsed: what is left to do needs the core. */
export interface PreparedCommand {
  /** Secrets are asked for in the page this command serves (web mode), not on the terminal. */
  asksSecretsInPage?: boolean;
  /**
   * Work that needs no core, done before it is opened: a refusal here leaves $KEYPORT_HOME as it
   * was, not even created (`import` checks its whole file this way).
   */
  beforeCore?(io: CliIo): Promise<void>;
  /** Resolves to the exit code when that is not 0. */
  run(context: CommandContext): Promise<number | void>;
}

export interface Command {
  /** The word after the group's, e.g. `add` in `keyport server add`. */
  name: string;
  /** The synopsis after `keyport `, without `[--json]`. */
  usage: string;
  /** Takes `--json`: runCli takes it off the line before `parse` and hands it to `run` as `context.json`. */
  json?: true;
  /** Throws a UsageError when the arguments do not fit the usage. */
  parse(args: string[]): PreparedCommand;
}

export interface CommandGroup {
  /** Its section of `keyport help` is titled by `help.group.<name>` of the CLI's messages. */
  name: string;
  commands: Command[];
}
