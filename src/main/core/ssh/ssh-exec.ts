import { constants } from 'node:os';
import type { Client, ClientChannel } from 'ssh2';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { formatSeconds } from './ssh-connect.ts';
import type { CommandResult } from './remote-host.ts';

export interface ExecRequest {
  /** Who runs it, for messages: `user@host:port`. */
  label: string;
  /** How the command is named in messages; the exact command line may be a long wrapper. */
  summary: string;
  stdin?: string | Buffer;
  timeoutMs: number;
}

/** Runs one command line on an exec channel; a lost connection or the timeout rejects with `server-offline`. */
export function execOnClient(client: Client, command: string, request: ExecRequest): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    let channel: ClientChannel | undefined;
    let settled = false;
    const settle = (outcome: CommandResult | KeyportError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome instanceof KeyportError) reject(outcome);
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
      stream.on('exit', (code: number | null, signal?: string) => {
        exitCode = code ?? 128 + ((signal && constants.signals[`SIG${signal}` as keyof typeof constants.signals]) || 0);
      });
      stream.on('close', () => {
        if (exitCode === undefined) return settle(offline('the connection was lost while a command ran'));
        settle({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), exitCode });
      });
      stream.end(request.stdin);
    };
    try {
      client.exec(command, onChannel);
    } catch (error) {
      settle(offline(`not connected: ${(error as Error).message}`));
    }
  });
}
