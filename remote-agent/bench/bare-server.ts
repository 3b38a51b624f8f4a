/**
 * The baseline server: bare node:http answering every request with one fixed JSON body.
 * Usage: bare-server.ts BODY_FILE PORT (listens on 127.0.0.1).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [bodyFile, portText] = process.argv.slice(2);
if (!bodyFile || !portText) {
  console.error('usage: bare-server.ts BODY_FILE PORT');
  process.exit(2);
}
const body = readFileSync(bodyFile);
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length };

createServer((_request, response) => {
  response.writeHead(200, headers);
  response.end(body);
}).listen(Number(portText), '127.0.0.1');

process.on('SIGTERM', () => process.exit(0));
