import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const XRAY = join(import.meta.dirname, 'xray');
const HOST = '127.0.0.1';

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the stand-in to completion, feeding `input` on stdin; killed (by its pid) after `timeoutMs`. */
function runXray(args: string[], input = '', timeoutMs = 10_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(XRAY, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`xray ${args.join(' ')} took over ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

const usedPorts = new Set<number>();

/** A port in 20000-30000 that this test has not used and that binds on 127.0.0.1 right now. */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    if (usedPorts.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, HOST, () => server.close(() => resolve(true)));
    });
    if (free) {
      usedPorts.add(port);
      return port;
    }
  }
  throw new Error('no free port in 20000-30000');
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function openConnection(port: number): Promise<Socket> {
  const socket = connect({ host: HOST, port });
  const opened = new Promise<Socket>((resolve, reject) => {
    socket.once('connect', () => {
      socket.on('error', () => {}); // a reset when the stand-in stops is expected
      resolve(socket);
    });
    socket.once('error', reject);
  });
  return withTimeout(opened, 3_000, `connect to ${port}`).catch((error: unknown) => {
    socket.destroy();
    throw error;
  });
}

/** Sends `GET n` and resolves with how many bytes came back within a short settle time after n. */
async function get(socket: Socket, count: number): Promise<number> {
  let received = 0;
  const onData = (chunk: Buffer) => (received += chunk.length);
  socket.on('data', onData);
  try {
    socket.write(`GET ${count}\n`);
    await withTimeout(
      (async () => {
        while (received < count) await new Promise((resolve) => setTimeout(resolve, 10));
      })(),
      5_000,
      `${count} bytes`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    return received;
  } finally {
    socket.off('data', onData);
  }
}

function goodInbound(tag: string, port: number) {
  return {
    tag,
    listen: HOST,
    port,
    protocol: 'vless',
    settings: { clients: [{ id: randomUUID(), flow: 'xtls-rprx-vision' }], decryption: 'none' },
    streamSettings: {
      network: 'tcp',
      security: 'reality',
      realitySettings: {
        dest: 'www.example.com:443',
        serverNames: ['www.example.com'],
        privateKey: generateKeyPairSync('x25519').privateKey.export({ format: 'jwk' }).d,
        shortIds: ['', '0123abcd'],
        minClientVer: '1.0.0',
      },
    },
  };
}

function goodConfig(apiPort: number, inbounds: object[]) {
  return {
    api: { tag: 'api', listen: `${HOST}:${apiPort}`, services: ['HandlerService'] },
    inbounds,
    outbounds: [{ protocol: 'freedom', tag: 'direct' }],
  };
}

const dir = mkdtempSync(join(tmpdir(), 'fake-xray-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, config: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

test('version prints the Xray version line', async () => {
  const result = await runXray(['version']);
  assert.equal(result.code, 0);
  assert.equal(result.stdout.split('\n')[0], 'Xray 26.7.11 (Keyport stand-in) Custom (go1.24 linux/amd64)');
});

test('unknown commands print usage and exit 1', async () => {
  for (const args of [['bogus'], ['api', 'bogus'], ['run', '-nope']]) {
    const result = await runXray(args);
    assert.equal(result.code, 1, args.join(' '));
    assert.match(result.stderr, /Usage:/);
  }
});

describe('run -test', () => {
  test('accepts a good config in every flag form', async () => {
    const path = writeConfig('good.json', goodConfig(await freePort(), [goodInbound('key-a', await freePort())]));
    for (const flags of [['-c', path], ['-config', path], [`-c=${path}`], [`--config=${path}`]]) {
      const result = await runXray(['run', '-test', ...flags]);
      assert.equal(result.code, 0, `${flags.join(' ')}: ${result.stderr}`);
      assert.match(result.stdout, /^Configuration OK\.$/m);
    }
  });

  const breakers: Record<string, (inbound: any, config: any) => void> = {
    'odd-length shortId': (inbound) => (inbound.streamSettings.realitySettings.shortIds = ['abc']),
    'uppercase shortId': (inbound) => (inbound.streamSettings.realitySettings.shortIds = ['ABCD']),
    'missing minClientVer': (inbound) => delete inbound.streamSettings.realitySettings.minClientVer,
    'dest without port': (inbound) => (inbound.streamSettings.realitySettings.dest = 'www.example.com'),
    'short privateKey': (inbound) => (inbound.streamSettings.realitySettings.privateKey = 'abc'),
    'empty serverNames': (inbound) => (inbound.streamSettings.realitySettings.serverNames = []),
    'decryption not none': (inbound) => (inbound.settings.decryption = 'aes'),
    'client id not a UUID': (inbound) => (inbound.settings.clients[0].id = 'not-a-uuid'),
    'unknown flow': (inbound) => (inbound.settings.clients[0].flow = 'xtls-rprx-direct'),
    'port out of range': (inbound) => (inbound.port = 70000),
    'api.listen without port': (_, config) => (config.api.listen = HOST),
    'duplicate tag': (inbound, config) => config.inbounds.push({ ...inbound, port: inbound.port + 1 }),
    'duplicate port': (inbound, config) => config.inbounds.push({ ...inbound, tag: 'other' }),
  };
  for (const [name, breakIt] of Object.entries(breakers)) {
    test(`exits 23 on ${name}`, async () => {
      const inbound = goodInbound('key-a', 24_000);
      const config = goodConfig(24_001, [inbound]);
      breakIt(inbound, config);
      const result = await runXray(['run', '-test', '-c', writeConfig('bad.json', config)]);
      assert.equal(result.code, 23, result.stdout);
      assert.match(result.stderr, /Failed to start/);
    });
  }

  test('exits 23 on text that is not JSON', async () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{"inbounds": [');
    assert.equal((await runXray(['run', '-test', '-c', path])).code, 23);
  });
});

describe('run -c with the API', () => {
  let server: ChildProcess | undefined;
  let apiAddress = '';
  let firstPort = 0;
  let addedPort = 0;
  let configPath = '';
  const held: Socket[] = [];

  before(async () => {
    const apiPort = await freePort();
    apiAddress = `${HOST}:${apiPort}`;
    firstPort = await freePort();
    addedPort = await freePort();
    configPath = writeConfig('running.json', goodConfig(apiPort, [goodInbound('key-a', firstPort)]));
    const child = spawn(XRAY, ['run', '-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    server = child;
    let output = '';
    const started = new Promise<void>((resolve, reject) => {
      const onOutput = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Xray stand-in started')) resolve();
      };
      child.stdout.on('data', onOutput);
      child.stderr.on('data', onOutput);
      child.once('exit', (code) => reject(new Error(`stand-in exited with ${code}: ${output}`)));
    });
    await withTimeout(started, 5_000, `the stand-in to start (output: ${output})`);
  });

  after(async () => {
    for (const socket of held) socket.destroy();
    const child = server;
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(child.pid, 'SIGKILL');
    await withTimeout(exited, 5_000, 'the stand-in to die');
  });

  test('serves the inbounds of its config', async () => {
    const socket = await openConnection(firstPort);
    held.push(socket);
    assert.equal(await get(socket, 1000), 1000);
  });

  test('adi from stdin adds a listening inbound that returns exactly n bytes per GET', async () => {
    const fragment = JSON.stringify({ inbounds: [goodInbound('key-b', addedPort)] });
    const result = await runXray(['api', 'adi', '-s', apiAddress, 'stdin:'], fragment);
    assert.equal(result.code, 0, result.stderr);

    const socket = await openConnection(addedPort);
    held.push(socket);
    socket.write(Buffer.alloc(5000, 0x61)); // upload filler is consumed silently
    assert.equal(await get(socket, 300_000), 300_000);
    assert.equal(await get(socket, 0), 0);
  });

  test('adi refuses a tag that exists, and an invalid inbound', async () => {
    const duplicate = await runXray(['api', 'adi', `-s=${apiAddress}`], JSON.stringify({ inbounds: [goodInbound('key-b', await freePort())] }));
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /failed to add inbound: existing tag found: key-b/);

    const invalid = goodInbound('key-c', await freePort());
    invalid.streamSettings.realitySettings.shortIds = ['abc'];
    const bad = await runXray(['api', 'adi', '--server', apiAddress], JSON.stringify({ inbounds: [invalid] }));
    assert.equal(bad.code, 1);
  });

  test('lsi lists the tags', async () => {
    const result = await runXray(['api', 'lsi', '-s', apiAddress]);
    assert.equal(result.code, 0, result.stderr);
    const tags = (JSON.parse(result.stdout) as { inbounds: Array<{ tag: string }> }).inbounds.map((inbound) => inbound.tag);
    assert.deepEqual(tags.sort(), ['key-a', 'key-b']);
  });

  test('rmi closes the listener but not the established connections', async () => {
    const socket = await openConnection(addedPort);
    held.push(socket);
    assert.equal(await get(socket, 10), 10);

    const result = await runXray(['api', 'rmi', '-s', apiAddress, 'key-b']);
    assert.equal(result.code, 0, result.stderr);

    await assert.rejects(openConnection(addedPort), /ECONNREFUSED/);
    assert.equal(await get(socket, 4096), 4096);
    const listed = await runXray(['api', 'lsi', '-s', apiAddress]);
    assert.doesNotMatch(listed.stdout, /key-b/);
  });

  test('rmi of an unknown tag exits 1', async () => {
    const result = await runXray(['api', 'rmi', '-s', apiAddress, 'no-such-tag']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /failed to remove inbound: .*not found/);
  });

  test('a second instance on the same ports fails to start with exit 1', async () => {
    const result = await runXray(['run', '-c', configPath]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /address already in use/);
  });

  test('stops with exit 0 on SIGTERM', async () => {
    const child = server;
    assert.ok(child?.pid !== undefined);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    process.kill(child.pid, 'SIGTERM');
    assert.equal(await withTimeout(exited, 5_000, 'the stand-in to exit'), 0);
    await assert.rejects(openConnection(firstPort), /ECONNREFUSED/);
  });
});

test('api commands fail with "failed to dial" when nothing listens', async () => {
  const address = `${HOST}:${await freePort()}`;
  const startedAt = Date.now();
  const result = await runXray(['api', 'lsi', '-s', address, '-t', '1']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, new RegExp(`failed to dial ${address}`));
  assert.ok(Date.now() - startedAt < 3_000, 'gave up within the timeout');
});
