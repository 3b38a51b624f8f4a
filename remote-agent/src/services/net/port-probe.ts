import { createServer } from 'node:net';

/**
 * Whether a TCP listener may take `port` now, asked of the kernel for this one port: a listening
 * socket is bound to it for a moment and closed again. Linux refuses that bind (EADDRINUSE) while
 * any socket listens on the port, on any address, IPv4 or IPv6, so this answers what a read of
 * the whole socket table would, at a cost that does not grow with the sockets there are.
 */
export async function portIsFree(port: number): Promise<boolean> {
  try {
    // '::' without IPV6_V6ONLY covers IPv4 too; a host without IPv6 answers EAFNOSUPPORT.
    return await tryListen(port, '::');
  } catch (error) {
    if (!isNoIpv6(error)) throw error;
    return tryListen(port, '0.0.0.0');
  }
}

function tryListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      server.close();
      if (error.code === 'EADDRINUSE') resolve(false);
      else reject(error);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

const isNoIpv6 = (error: unknown) => ['EAFNOSUPPORT', 'EADDRNOTAVAIL'].includes((error as NodeJS.ErrnoException).code ?? '');
