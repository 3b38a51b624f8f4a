import { connect } from 'node:net';

export interface TrickleOptions {
  port?: number;
  host?: string;
  /** A Unix socket to connect to instead (a bridge into a network namespace). */
  path?: string;
  /** What to send, a byte per tick; once it is all sent the socket stays open and silent. */
  text: string;
  tickMs: number;
  /** The socket is closed by the test after this, if the server has not closed it before. */
  giveUpMs: number;
}

export interface TrickleOutcome {
  /** Whether the server closed the socket (false: the test gave up on it). */
  closedByServer: boolean;
  afterMs: number;
  /** Everything the server sent. */
  answer: string;
  bytesSent: number;
}

/** A client that sends a request a byte at a time, as a slow-loris peer does; bounded by `giveUpMs`. */
export function trickle({ port, host = '127.0.0.1', path, text, tickMs, giveUpMs }: TrickleOptions): Promise<TrickleOutcome> {
  const bytes = Buffer.from(text);
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const socket = path === undefined ? connect({ host, port: port! }) : connect({ path });
    let answer = '';
    let sent = 0;
    let closedByServer = false;
    const ticker = setInterval(() => {
      if (sent < bytes.length && socket.writable) socket.write(bytes.subarray(sent, ++sent));
    }, tickMs);
    const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.on('end', () => (closedByServer = true));
    socket.on('error', () => (closedByServer = true));
    socket.on('close', () => {
      clearInterval(ticker);
      clearTimeout(giveUp);
      resolve({ closedByServer, afterMs: Date.now() - startedAt, answer, bytesSent: sent });
    });
  });
}

/** The JSON body of an HTTP answer read off a socket. */
export function answerBody(answer: string): unknown {
  const start = answer.indexOf('\r\n\r\n');
  return start < 0 ? undefined : JSON.parse(answer.slice(start + 4));
}
