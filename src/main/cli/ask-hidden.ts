import type { CliIo } from './command.ts';

const ENTER = new Set(['\r', '\n', '\u0004']);
const ERASE = new Set(['\u007f', '\b']);
const INTERRUPT = '\u0003';

/** Asks on the terminal with echo off (raw mode), for passwords and passphrases. */
export function askHidden(io: Pick<CliIo, 'stdin' | 'stderr'>, prompt: string): Promise<string> {
  const { stdin } = io;
  io.stderr.write(prompt);
  stdin.setRawMode?.(true);
  return new Promise((resolve, reject) => {
    let answer = '';
    const stop = () => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (ENTER.has(char)) {
          stop();
          resolve(answer);
          return;
        }
        if (char === INTERRUPT) {
          stop();
          reject(new Error('cancelled'));
          return;
        }
        answer = ERASE.has(char) ? [...answer].slice(0, -1).join('') : answer + char;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
