import { constants } from 'node:os';
import { Readable } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { markCommand, type RawOutput } from './marked-command.ts';
import { formatSeconds } from './ssh-connect.ts';
import type { CommandResult } from './remote-host.ts';

export interface ExecRequest {
  /** Who runs it, for messages: `user@host:port`. */
  label: string;
  /** How the command is named in messages; the exact command line may be a long wrapper. */
  summary: string;
  /** Written to the command's stdin, then closed; a stream is piped (an upload). */
  stdin?: string | Buffer | Readable;
  timeoutMs: number;
}

/**
 * Runs a POSIX shell command line on the server and gives back exactly what it printed and its
 * exit code: whatever the login shell prints around it (greetings in ~/.bashrc, banners) is left
 * out (markCommand). A command that never started (a ForceCommand that runs something else) is
 * `unsupported-server`; a lost connection or the timeout is `server-offline`.
 */
export async function execRemote(client: Client, commandLine: string, request: ExecRequest): Promise<CommandResult> {
  const marked = markCommand(commandLine);
  const raw = await execOnClient(client, marked.commandLine, request);
  const result = marked.read(raw);
  if (result) return result;
  const said = lastLine(raw.stderr) || lastLine(raw.stdout);
  throw new KeyportError(
    'unsupported-server',
    `${request.label}: the server did not run Keyport's command ${request.summary}: its login shell (or a ForceCommand) ran something else ` +
      `(exit code ${raw.exitCode}${said ? `: ${said}` : ''})`,
    { endpoint: request.label, exitCode: raw.exitCode },
  );
}

function execOnClient(client: Client, command: string, request: ExecRequest): Promise<RawOutput> {
  return new Promise((resolve, reject) => {
    let channel: ClientChannel | undefined;
    let settled = false;
    const settle = (outcome: RawOutput | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (request.stdin instanceof Readable) request.stdin.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const offline = (reason: string) =>
      new KeyportError('server-offline', `${request.label}: ${reason} (${request.summary})`, { endpoint: request.label, reason });
    const timer = setTimeout(() => {
      settle(offline(`the command did not finish within ${formatSeconds(request.timeoutMs)}`));
      channel?.signal('KILL');
      channel?.close();
    }, request.timeoutMs);

    const onChannel = (error: Error | undefined, stream: ClientChannel) => {
      if (error) return settle(offline(`cannot start a command: ${error.message}`));
      if (settled) return void stream.close();
      channel = stream;
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let exitCode: number | undefined;
      stream.on('data', (chunk: Buffer) => stdout.push(chunk));
      stream.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      stream.on('error', (streamError: Error) => settle(offline(`the command's channel failed: ${streamError.message}`)));
      stream.on('exit', (code: number | null, signal?: string) => {
        exitCode = code ?? 128 + ((signal && constants.signals[`SIG${signal}` as keyof typeof constants.signals]) || 0);
      });
      stream.on('close', () => {
        if (exitCode === undefined) return settle(offline('the connection was lost while a command ran'));
        settle({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), exitCode });
      });
      const { stdin } = request;
      if (stdin instanceof Readable) {
        stdin.once('error', (readError: Error) => {
          settle(new Error(`cannot read what was to go to ${request.summary} on ${request.label}: ${readError.message}`));
          stream.close();
        });
        stdin.pipe(stream);
      } else {
        stream.end(stdin);
      }
    };
    try {
      client.exec(command, onChannel);
    } catch (error) {
      settle(offline(`not connected: ${(error as Error).message}`));
    }
  });
}

function lastLine(output: Buffer): string {
  return output.toString('utf8').trim().split('\n').at(-1)?.trim().slice(0, 200) ?? '';
}
