import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Client, type ClientChannel } from 'ssh2';
import { freePort, open } from '../../test-support/tcp-traffic.ts';
import { waitFor } from '../../test-support/wait.ts';
import { TestServer } from './test-server.ts';

const fingerprintOf = (key: Buffer) => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;

/** Connects (as root by default) with the server's client key, accepting only the host key `expected`. */
function sshConnect(server: TestServer, expected: string, username = 'root'): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client
      .once('ready', () => resolve(client))
      .once('error', reject)
      .connect({
        host: '127.0.0.1',
        port: server.sshPort,
        username,
        privateKey: readFileSync(server.clientKeyPath),
        hostVerifier: (key: Buffer) => fingerprintOf(key) === expected,
        readyTimeout: 10_000,
      });
  });
}

function sshExec(client: Client, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error);
      let output = '';
      stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
      stream.stderr.on('data', () => undefined);
      stream.once('close', () => resolve(output));
    });
  });
}

describe('the test-server harness: a namespace with a real sshd behind 127.0.0.1', () => {
  let server: TestServer;
  let listener: ChildProcess | undefined;

  before(async () => {
    server = await TestServer.create(await freePort());
  });
  after(async () => {
    listener?.kill();
    await server?.destroy();
  });

  test('accepts the host key it was told to and runs commands inside the namespace', async () => {
    const client = await sshConnect(server, server.hostKeyFingerprint);
    try {
      const links = await sshExec(client, 'ip -o link show');
      assert.deepEqual(links.trim().split('\n').map((line) => line.split(': ')[1]), ['lo']);
    } finally {
      client.end();
    }
  });

  test('a different host key is refused', async () => {
    await assert.rejects(sshConnect(server, 'SHA256:not-the-real-fingerprint'), /verification failed/i);
  });

  test('forwardOut reaches a loopback port inside the namespace, as the agent client will', async () => {
    const port = 8000;
    listener = spawn('ip', ['netns', 'exec', server.namespace, process.execPath, '-e',
      `require('node:http').createServer((q, r) => r.end('inside')).listen(${port}, '127.0.0.1')`]);
    const client = await sshConnect(server, server.hostKeyFingerprint);
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const attempt = (triesLeft: number) => {
          const req = request(
            {
              path: '/',
              createConnection: (_options, done) => {
                client.forwardOut('127.0.0.1', 0, '127.0.0.1', port, (error, channel: ClientChannel) => done(error ?? null, channel as never));
                return undefined as never;
              },
            },
            (response) => {
              let text = '';
              response.on('data', (chunk: Buffer) => (text += chunk.toString()));
              response.once('end', () => resolve(text));
            },
          );
          req.once('error', (error) => (triesLeft > 0 ? setTimeout(() => attempt(triesLeft - 1), 100) : reject(error)));
          req.end();
        };
        attempt(30);
      });
      assert.equal(body, 'inside');
    } finally {
      client.end();
    }
  });

  test('forwardPort carries bytes both ways between 127.0.0.1:port and that port inside the namespace', async () => {
    const port = await freePort();
    const echo = spawn('ip', ['netns', 'exec', server.namespace, process.execPath, '-e',
      `require('node:net').createServer((s) => s.pipe(s)).listen(${port}, '127.0.0.1', () => console.log('listening'))`]);
    const forward = await server.forwardPort(port);
    try {
      let listening = false;
      echo.stdout!.once('data', () => (listening = true));
      await waitFor('the echo server inside the namespace', () => listening || undefined);
      const socket = await open(port);
      try {
        const answer = new Promise<string>((resolve, reject) => {
          let text = '';
          const timer = setTimeout(() => reject(new Error(`only "${text}" came back`)), 5_000);
          socket.on('data', (chunk: Buffer) => {
            text += chunk.toString();
            if (text === 'through the forward') {
              clearTimeout(timer);
              resolve(text);
            }
          });
        });
        socket.write('through the forward');
        assert.equal(await answer, 'through the forward');
      } finally {
        socket.destroy();
      }
    } finally {
      await forward.close();
      echo.kill();
    }
  });

  test('the server has its own /opt, /var/lib, /usr/local/share and a stand-in xray on PATH; the host keeps its own', async () => {
    const client = await sshConnect(server, server.hostKeyFingerprint);
    try {
      await sshExec(client, 'mkdir -p /opt/keyport && echo mine > /opt/keyport/marker');
      assert.equal(readFileSync(server.hostPath('/opt/keyport/marker'), 'utf8'), 'mine\n');
      assert.equal(existsSync('/opt/keyport/marker'), false);
      assert.equal((await sshExec(client, 'ls -A /var/lib')).trim(), '');
      assert.equal((await sshExec(client, 'ls -A /usr/local/share')).trim(), '');
      await sshExec(client, 'mkdir -p /usr/local/share/keyport-test && echo mine > /usr/local/share/keyport-test/marker');
      assert.equal(readFileSync(server.hostPath('/usr/local/share/keyport-test/marker'), 'utf8'), 'mine\n');
      assert.equal(existsSync('/usr/local/share/keyport-test'), false);
      assert.match(await sshExec(client, 'xray version'), /^Xray /);
    } finally {
      client.end();
    }
  });

  test('users added to the server log in with the client key and have the sudo they were given', async () => {
    const withoutPassword = server.addUser('nopasswd');
    const withPassword = server.addUser('password');
    assert.equal(spawnSync('id', [withoutPassword]).status, 1, 'the user exists only inside the server');
    const first = await sshConnect(server, server.hostKeyFingerprint, withoutPassword);
    const second = await sshConnect(server, server.hostKeyFingerprint, withPassword);
    try {
      assert.equal((await sshExec(first, 'id -un; sudo -n id -u')).trim(), `${withoutPassword}\n0`);
      assert.match(await sshExec(second, 'sudo -n true 2>&1'), /password is required/);
    } finally {
      first.end();
      second.end();
    }
  });

  test('a replaced host key is presented to the next connection', async () => {
    const before = server.hostKeyFingerprint;
    server.replaceHostKey();
    assert.notEqual(server.hostKeyFingerprint, before);
    await assert.rejects(sshConnect(server, before), /verification failed/i);
    (await sshConnect(server, server.hostKeyFingerprint)).end();
  });

  test('stopping sshd makes the server unreachable, ends open sessions, and starting it again brings it back', async () => {
    const open = await sshConnect(server, server.hostKeyFingerprint);
    const ended = new Promise((resolve) => open.once('close', () => resolve(undefined)));
    await server.stopSshd();
    await ended;
    await assert.rejects(sshConnect(server, server.hostKeyFingerprint));
    server.startSshd();
    const client = await waitForSsh(server);
    client.end();
  });
});

async function waitForSsh(server: TestServer): Promise<Client> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      return await sshConnect(server, server.hostKeyFingerprint);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error('sshd did not come back');
}
