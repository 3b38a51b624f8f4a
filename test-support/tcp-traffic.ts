import { connect, createServer, type Socket } from 'node:net';

/**
 * Moves a known number of bytes through a key port, talking to the stand-in Xray: it sends
 * `GET <downloadBytes>\n`, then `uploadBytes` of payload, and waits for the download to arrive.
 */
export async function moveBytes(port: number, uploadBytes: number, downloadBytes: number, timeoutMs = 10_000): Promise<void> {
  const socket = await open(port);
  try {
    const received = new Promise<void>((resolve, reject) => {
      let got = 0;
      const timer = setTimeout(() => reject(new Error(`only ${got} of ${downloadBytes} bytes came back`)), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      if (downloadBytes === 0) done();
      socket.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got >= downloadBytes) done();
      });
      socket.once('error', reject);
    });
    socket.write(`GET ${downloadBytes}\n`);
    socket.write(Buffer.alloc(uploadBytes, 0x61));
    await received;
    await new Promise<void>((resolve) => socket.end(resolve));
  } finally {
    socket.destroy();
  }
}

/** A TCP connection to `host`:`port` (loopback unless told), or the error; gives up after `timeoutMs`. */
export function open(port: number, timeoutMs = 5_000, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect to ${host}:${port} timed out`));
    }, Math.max(timeoutMs, 0));
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Resolves with how a held connection ended: 'open' if it still answers a GET, else the error seen. */
export function probeHeld(socket: Socket, timeoutMs = 3_000): Promise<'open' | 'reset' | 'closed' | 'silent'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish('silent'), timeoutMs);
    const finish = (result: 'open' | 'reset' | 'closed' | 'silent') => {
      clearTimeout(timer);
      socket.removeAllListeners('data');
      resolve(result);
    };
    if (socket.destroyed) return finish('closed');
    socket.once('data', () => finish('open'));
    socket.once('error', () => finish('reset'));
    socket.once('close', () => finish('closed'));
    socket.write('GET 1\n');
  });
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something listens on 127.0.0.1:`port`; rejects after `timeoutMs`. */
export function waitForPort(port: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on 127.0.0.1:${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}
