import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { probeTcpPort } from './probe-tcp-port.ts';

// A listener with a backlog of 0 that never accepts: once one connection waits in its queue, the
// kernel drops further SYNs, as a firewall that drops does. Node always accepts, so python3 listens.
const SILENT_LISTENER = `
import socket, time
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen(0)
print(s.getsockname()[1], flush=True)
time.sleep(30)
`;

test('a port that accepts is reachable', async (t) => {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  assert.deepEqual(await probeTcpPort('127.0.0.1', (server.address() as { port: number }).port, 2_000), { reachable: true, failure: null, errorCode: null });
});

test('a port nobody listens on is refused at once', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  const startedAt = Date.now();
  assert.deepEqual(await probeTcpPort('127.0.0.1', port, 2_000), { reachable: false, failure: 'refused', errorCode: 'ECONNREFUSED' });
  assert.ok(Date.now() - startedAt < 1_000);
});

test('a port whose SYNs are dropped times out after timeoutMs, not later', async (t) => {
  const python = spawn('python3', ['-c', SILENT_LISTENER], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => python.kill());
  const port = await new Promise<number>((resolve, reject) => {
    python.once('exit', (code) => reject(new Error(`python3 exited with ${code}`)));
    python.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
  });
  // Fill the one place in its queue.
  const waiting: Socket = connect({ host: '127.0.0.1', port });
  t.after(() => waiting.destroy());
  await new Promise((resolve) => waiting.once('connect', resolve));
  const startedAt = Date.now();
  assert.deepEqual(await probeTcpPort('127.0.0.1', port, 400), { reachable: false, failure: 'timeout', errorCode: null });
  const elapsedMs = Date.now() - startedAt;
  assert.ok(elapsedMs >= 390 && elapsedMs < 1_500, `took ${elapsedMs} ms`);
});
