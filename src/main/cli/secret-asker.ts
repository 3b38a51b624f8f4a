import { KeyportError } from '../../shared/contract/errors.ts';
import { askHidden } from './ask-hidden.ts';
import type { CliIo } from './command.ts';

/**
 * The core's askSecret: $KEYPORT_SSH_SECRET when set (scripts), else a prompt with echo off on the
 * terminal, else a clear failure rather than a hang on a pipe.
 */
export function secretAsker(io: CliIo): (prompt: string) => Promise<string> {
  return async (prompt) => {
    const fromEnv = io.env.KEYPORT_SSH_SECRET;
    if (fromEnv) return fromEnv;
    if (!io.isTTY) {
      throw new KeyportError('auth-failed', `${prompt} is needed and there is no terminal to ask on: set KEYPORT_SSH_SECRET`);
    }
    return askHidden(io, `${prompt}: `);
  };
}
