import type { Readable } from 'node:stream';

/** The first line of a stream (without its line ending), or all of it when no newline comes. */
export function readLine(input: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      const end = text.indexOf('\n');
      if (end >= 0) finish(text.slice(0, end));
    };
    const onEnd = () => finish(text);
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const finish = (line: string) => {
      stop();
      resolve(line.replace(/\r$/, ''));
    };
    const stop = () => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      input.pause();
    };
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
  });
}
