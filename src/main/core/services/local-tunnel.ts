import { createServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { KeyportError } from '../../../shared/contract/errors.ts';

export interface LocalTunnel {
  port: number;
  close(): Promise<void>;
}

/**
 * A local port forward: every connection to 127.0.0.1:port becomes its own stream to the agent
 * (an ssh2 channel). Loopback only, so nothing on the network reaches the agent through it.
 */
export async function openLocalTunnel(openStream: () => Promise<Duplex>, localPort = 0): Promise<LocalTunnel> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    openStream().then(
      (stream) => {
        stream.on('error', () => socket.destroy());
        socket.once('close', () => stream.destroy());
        stream.once('close', () => socket.destroy());
        socket.pipe(stream).pipe(socket);
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new KeyportError('bad-input', `local port ${localPort} is in use`, { localPort }) : error),
    );
    server.listen(localPort, '127.0.0.1', resolve);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : localPort,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
