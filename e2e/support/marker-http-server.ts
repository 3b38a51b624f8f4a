// Usage: marker-http-server.ts HOST:PORT=MARKER ... (an IPv6 host in brackets)
// One HTTP listener per argument; each answers `GET /blob` with the test blob and anything else
// with its MARKER, so a probe can tell which listener it reached. Prints `listening` once all are up.
import { createServer } from 'node:http';
import { testBlob } from './test-blob.ts';

const blob = testBlob();
const listeners = process.argv.slice(2).map((argument) => {
  const match = /^\[?([^\]]+?)\]?:(\d+)=(.+)$/.exec(argument);
  if (!match) throw new Error(`expected HOST:PORT=MARKER, got ${argument}`);
  return { host: match[1]!, port: Number(match[2]), marker: match[3]! };
});

await Promise.all(
  listeners.map(
    ({ host, port, marker }) =>
      new Promise<void>((resolve, reject) => {
        const server = createServer((request, response) => {
          const body = request.url === '/blob' ? blob : Buffer.from(`${marker}\n`);
          response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
          response.end(body);
        });
        server.once('error', reject);
        server.listen({ host, port, ipv6Only: host.includes(':') }, () => resolve());
      }),
  ),
);
console.log('listening');
process.on('SIGTERM', () => process.exit(0));
