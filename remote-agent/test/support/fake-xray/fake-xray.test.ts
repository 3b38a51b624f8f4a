// Self-check of the stand-in against Xray v26.7.28's behaviour (the README's table names these
// tests). Real processes and real sockets on 127.0.0.1; run inside the test netns:
//   scripts/run-in-netns scripts/node24 --test remote-agent/test/support/fake-xray/fake-xray.test.ts
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runToExit, type ExitResult } from '../../../../test-support/run-to-exit.ts';

const XRAY = join(import.meta.dirname, 'xray');
const HOST = '127.0.0.1';
const VERSION = '26.7.28';

interface RunOptions {
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  bin?: string;
}

/** Runs the stand-in to completion, feeding `input` on stdin; killed (by its pid) after `timeoutMs`. */
function runXray(args: string[], options: RunOptions = {}): Promise<ExitResult> {
  const { input = '', timeoutMs = 10_000, env = process.env, cwd, bin = XRAY } = options;
  return runToExit(bin, args, { input, timeoutMs, env, cwd });
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
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
        while (received < count) await sleep(10);
      })(),
      5_000,
      `${count} bytes`,
    );
    await sleep(200);
    return received;
  } finally {
    socket.off('data', onData);
  }
}

/** A plain listener without SO_REUSEPORT (another program holding a port). */
function holdPort(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen({ host: HOST, port }, () => resolve(server));
  });
}

const PRIVATE_KEY = generateKeyPairSync('x25519').privateKey.export({ format: 'jwk' }).d as string;

function goodInbound(tag: string, port: number, extra: { serverName?: string; email?: string } = {}) {
  return {
    tag,
    listen: HOST,
    port,
    protocol: 'vless',
    settings: {
      clients: [{ id: randomUUID(), flow: 'xtls-rprx-vision', email: extra.email ?? `${tag}@keyport` }],
      decryption: 'none',
    },
    streamSettings: {
      network: 'tcp',
      security: 'reality',
      realitySettings: {
        target: `${extra.serverName ?? 'www.example.com'}:443`,
        serverNames: [extra.serverName ?? 'www.example.com'],
        privateKey: PRIVATE_KEY,
        shortIds: ['', '0123abcd'],
      },
    },
  };
}

type Json = any;

function goodConfig(apiPort: number, inbounds: object[], extra: Record<string, unknown> = {}): Json {
  return {
    log: { loglevel: 'warning' },
    api: { tag: 'api', listen: `${HOST}:${apiPort}`, services: ['HandlerService'] },
    inbounds,
    outbounds: [
      { protocol: 'freedom', tag: 'direct' },
      { protocol: 'blackhole', tag: 'block' },
    ],
    ...extra,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'fake-xray-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function writeConfig(config: unknown, name = `config-${(fileCount += 1)}.json`): string {
  const path = join(dir, name);
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config));
  return path;
}

/** A running `xray run -c FILE`; stopped (by its pid) when the test file ends. */
interface Running {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

const running = new Set<Running>();
after(async () => {
  for (const instance of running) await instance.stop();
});

/** Starts `xray run -c path` and waits until `ready` (a port that accepts, or a line on stdout). */
async function startXray(path: string, ready: { port?: number; line?: string }, env: NodeJS.ProcessEnv = process.env): Promise<Running> {
  const child = spawn(XRAY, ['run', '-c', path], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const instance: Running = {
    child,
    output: () => output,
    stop: async () => {
      running.delete(instance);
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      return withTimeout(exited, 5_000, 'the stand-in to die');
    },
  };
  running.add(instance);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`stand-in exited with ${child.exitCode}: ${output}`);
    if (ready.line !== undefined && output.includes(ready.line)) return instance;
    if (ready.port !== undefined) {
      const socket = await openConnection(ready.port).catch(() => undefined);
      if (socket) {
        socket.destroy();
        return instance;
      }
    }
    if (Date.now() > deadline) throw new Error(`the stand-in did not get ready: ${output}`);
    await sleep(50);
  }
}

const STARTED = `[Warning] core: Xray ${VERSION} started`;

function stdoutLines(text: string): string[] {
  return text.split('\n').filter(Boolean);
}

// --- version ---

test('version: Xray first line, stand-in named in the build field', async () => {
  const result = await runXray(['version']);
  assert.equal(result.code, 0);
  const [first, second] = stdoutLines(result.stdout);
  assert.match(first ?? '', new RegExp(`^Xray ${VERSION.replaceAll('.', '\\.')} \\(Xray, Penetrates Everything\\.\\) \\S+ \\(go[\\d.]+ linux/\\w+\\)$`));
  assert.match(first ?? '', /Keyport-stand-in/);
  assert.equal(second, 'A unified platform for anti-censorship.');
});

test('version: XRAY_VERSION can be imported from fake-xray.mjs without running it', async () => {
  const module = join(import.meta.dirname, 'fake-xray.mjs');
  const script = `import(${JSON.stringify(module)}).then((m) => process.stdout.write(m.XRAY_VERSION))`;
  const result = await runXray(['-e', script], { bin: process.execPath });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, VERSION);
});

test('usage: unknown commands and bad flags exit 2 with Go flag text and usage on stderr', async () => {
  const cases: Array<[string[], string]> = [
    [['bogus'], "xray bogus: unknown command\nRun 'xray help' for usage.\n"],
    [['run', '-nope'], "flag provided but not defined: -nope\nusage: xray run [-c config.json] [-confdir dir]\nRun 'xray help run' for details.\n"],
    [['api', 'lsi', '--isOnlyTags'], "flag needs an argument: -isOnlyTags\nusage: xray api lsi [--server=127.0.0.1:8080] [--isOnlyTags=true]\nRun 'xray help api lsi' for details.\n"],
    [['api', 'adi', '-t', 'x'], 'invalid value "x" for flag -t: parse error\nusage: xray api adi [--server=127.0.0.1:8080] <c1.json> [c2.json]...\nRun \'xray help api adi\' for details.\n'],
  ];
  for (const [args, stderr] of cases) {
    const result = await runXray(args);
    assert.equal(result.code, 2, args.join(' '));
    assert.equal(result.stderr, stderr);
  }
});

// --- formats ---

describe('format', () => {
  const config = goodConfig(24_001, [goodInbound('key-a', 24_000)]);

  test('format: by extension; any other extension fails with "Failed to get format of" on stdout, exit 23', async () => {
    for (const name of ['cfg.json', 'cfg.JSON', 'cfg.jsonc', 'x.tar.json']) {
      const result = await runXray(['run', '-test', '-c', writeConfig(config, name)]);
      assert.equal(result.code, 0, `${name}: ${result.stdout}`);
      assert.match(result.stdout, /^Configuration OK\.$/m);
    }
    for (const name of ['xray-config.json.new', 'config', 'config.txt', 'config.json5']) {
      const path = writeConfig(config, name);
      const result = await runXray(['run', '-test', '-c', path]);
      assert.equal(result.code, 23, name);
      assert.equal(result.stderr, '');
      assert.equal(stdoutLines(result.stdout).at(-1), `Failed to start: main: failed to load config files: [${path}] > core: Failed to get format of ${path}`);
    }
  });

  test('format: -format json (or jsonc) reads any name as JSON; other -format values mean auto', async () => {
    const path = writeConfig(config, 'draft.json.new');
    for (const flags of [['-format', 'json'], ['-format=jsonc'], ['--format=JSON']]) {
      const result = await runXray(['run', '-test', ...flags, '-c', path]);
      assert.equal(result.code, 0, `${flags.join(' ')}: ${result.stdout}`);
    }
    const auto = await runXray(['run', '-test', '-format', 'xml', '-c', path]);
    assert.equal(auto.code, 23);
    assert.match(auto.stdout, /core: Failed to get format of/);
  });

  test('format: yaml, yml, toml and pb are Xray formats the stand-in does not parse', async () => {
    for (const name of ['c.yaml', 'c.yml', 'c.toml', 'c.pb']) {
      const result = await runXray(['run', '-test', '-c', writeConfig('{}', name)]);
      assert.equal(result.code, 23, name);
      assert.match(result.stdout, /failed to decode config: .* > stand-in reads JSON only|the Keyport stand-in reads JSON only/);
      assert.doesNotMatch(result.stdout, /Failed to get format/);
    }
  });

  test('format: JSON with //, # and /* */ comments is read', async () => {
    const text = `// head\n{ # api\n "api": {"tag": "api", "listen": "${HOST}:24001", /* x */ "services": ["HandlerService"]},\n "inbounds": [] }\n`;
    const result = await runXray(['run', '-test', '-c', writeConfig(text, 'commented.json')]);
    assert.equal(result.code, 0, result.stdout);
  });

  test('format: stdin: is JSON; no -c reads ./config.json, else stdin', async () => {
    const viaStdin = await runXray(['run', '-test', '-c', 'stdin:'], { input: JSON.stringify(config) });
    assert.equal(viaStdin.code, 0, viaStdin.stdout);
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    writeFileSync(join(cwd, 'config.json'), JSON.stringify(config));
    const local = await runXray(['run', '-test'], { cwd });
    assert.equal(local.code, 0, local.stdout);
    assert.match(local.stderr, /Using default config: {2}.*config\.json/);
    const empty = mkdtempSync(join(dir, 'cwd-'));
    const fromStdin = await runXray(['run', '-test'], { cwd: empty, input: JSON.stringify(config) });
    assert.equal(fromStdin.code, 0);
    assert.match(fromStdin.stderr, /Using config from STDIN/);
  });
});

// --- run -test ---

describe('run -test', () => {
  test('-test: a good config gives Configuration OK in every flag form', async () => {
    const path = writeConfig(goodConfig(24_001, [goodInbound('key-a', 24_000)]));
    for (const flags of [['-c', path], ['-config', path], [`-c=${path}`], [`--config=${path}`]]) {
      const result = await runXray(['run', '-test', ...flags]);
      assert.equal(result.code, 0, `${flags.join(' ')}: ${result.stdout}`);
      assert.match(result.stdout, /^Configuration OK\.$/m);
    }
  });

  const refused: Record<string, [(inbound: Json, config: Json) => void, string]> = {
    'empty shortIds': [(i) => (i.streamSettings.realitySettings.shortIds = []), 'Failed to build REALITY config. > infra/conf: empty "shortIds"'],
    'odd-length shortId': [(i) => (i.streamSettings.realitySettings.shortIds = ['abc']), 'invalid "shortIds[0]": abc'],
    'non-hex shortId': [(i) => (i.streamSettings.realitySettings.shortIds = ['zz']), 'invalid "shortIds[0]": zz'],
    'shortId over 16 chars': [(i) => (i.streamSettings.realitySettings.shortIds = ['0123456789abcdef01']), 'too long "shortIds[0]": 0123456789abcdef01'],
    'target without port': [(i) => (i.streamSettings.realitySettings.target = 'www.example.com'), 'please fill in a valid value for "target"'],
    'short privateKey': [(i) => (i.streamSettings.realitySettings.privateKey = 'abc'), 'invalid "privateKey": abc'],
    'empty serverNames': [(i) => (i.streamSettings.realitySettings.serverNames = []), 'empty "serverNames"'],
    'minClientVer with 4 parts': [(i) => (i.streamSettings.realitySettings.minClientVer = '1.2.3.4'), 'invalid "minClientVer": 1.2.3.4'],
    'minClientVer part over 255': [(i) => (i.streamSettings.realitySettings.minClientVer = '1.300'), '"minClientVer[1]" should be less than 256'],
    'decryption missing': [(i) => delete i.settings.decryption, 'VLESS settings: please add/set "decryption":"none" to every settings'],
    'decryption not none': [(i) => (i.settings.decryption = 'aes'), 'VLESS settings: unsupported "decryption": aes'],
    'client id not a UUID': [(i) => (i.settings.clients[0].id = 'x'.repeat(31)), `common/uuid: invalid UUID: ${'x'.repeat(31)}`],
    'unknown flow': [(i) => (i.settings.clients[0].flow = 'xtls-rprx-direct'), 'VLESS users: "flow" doesn\'t support "xtls-rprx-direct" in this version'],
    'port out of range': [(i) => (i.port = 70000), 'invalid port: 70000'],
    'listen on a domain': [(i) => (i.listen = 'example.com'), 'unable to listen on domain address: example.com'],
    'no port': [(i) => delete i.port, 'Listen on specific ip without port in InboundDetour.'],
    'api without tag': [(_, c) => delete c.api.tag, "failed to build API configuration > infra/conf: API tag can't be empty."],
    'duplicate tag': [(i, c) => c.inbounds.push({ ...i, port: 24_002 }), 'main: failed to create server > app/proxyman/inbound: existing tag found: key-a'],
    'one email twice in an inbound': [(i) => i.settings.clients.push({ id: randomUUID(), email: 'KEY-A@keyport' }), 'main: failed to create server > proxy/vless/inbound: failed to initiate user > proxy/vless: User KEY-A@keyport already exists.'],
    'rule without outboundTag': [(_, c) => (c.routing = { rules: [{ ip: ['10.0.0.0/8'] }] }), 'failed to build routing configuration > infra/conf: invalid field rule > infra/conf: neither outboundTag nor balancerTag'],
    'rule with a bad CIDR': [(_, c) => (c.routing = { rules: [{ ip: ['10.0.0.0/33'], outboundTag: 'block' }] }), 'illegal ip rule: 10.0.0.0/33 > common/geodata: CIDR prefix length 33 exceeds max 32'],
    'rule with a name as IP': [(_, c) => (c.routing = { rules: [{ ip: ['localhost'], outboundTag: 'block' }] }), 'illegal ip rule: localhost > common/geodata: unsupported address family'],
    'unknown outbound protocol': [(_, c) => c.outbounds.push({ protocol: 'nope', tag: 'x' }), 'failed to build outbound config with tag x > infra/conf: failed to load outbound detour config for protocol nope'],
  };
  for (const [name, [breakIt, message]] of Object.entries(refused)) {
    test(`-test refuses ${name} (exit 23, Xray's text on stdout)`, async () => {
      const inbound = goodInbound('key-a', 24_000);
      const config = goodConfig(24_001, [inbound]);
      breakIt(inbound, config);
      const path = writeConfig(config);
      const result = await runXray(['run', '-test', '-c', path]);
      assert.equal(result.code, 23, result.stdout);
      const last = stdoutLines(result.stdout).at(-1) ?? '';
      assert.ok(last.startsWith(`Failed to start: main: failed to load config files: [${path}] > `) || last.startsWith('Failed to start: main: failed to create server > '), last);
      assert.ok(last.includes(message), `${last}\n  should include: ${message}`);
      assert.equal(result.stderr, '');
    });
  }

  const accepted: Record<string, (inbound: Json, config: Json) => void> = {
    'uppercase shortIds': (i) => (i.streamSettings.realitySettings.shortIds = ['ABCD', '0123ABCDEF']),
    'only an empty shortId': (i) => (i.streamSettings.realitySettings.shortIds = ['']),
    'no minClientVer': (i) => delete i.streamSettings.realitySettings.minClientVer,
    'empty minClientVer': (i) => (i.streamSettings.realitySettings.minClientVer = ''),
    'dest instead of target': (i) => {
      i.streamSettings.realitySettings.dest = 'www.example.com:443';
      delete i.streamSettings.realitySettings.target;
    },
    'target as a bare port': (i) => (i.streamSettings.realitySettings.target = 8443),
    'no clients': (i) => (i.settings.clients = []),
    'short text as client id': (i) => (i.settings.clients[0].id = 'my-key'),
    'UUID without dashes': (i) => (i.settings.clients[0].id = randomUUID().replaceAll('-', '')),
    'port as a string': (i) => (i.port = '24000'),
    'duplicate ports': (i, c) => c.inbounds.push({ ...i, tag: 'key-b' }),
    'one email in two inbounds': (i, c) => c.inbounds.push({ ...i, tag: 'key-b', port: 24_002 }),
    'no tag on two inbounds': (i, c) => {
      delete i.tag;
      c.inbounds.push({ ...i });
    },
    'api.listen without a port (only run parses it)': (_, c) => (c.api.listen = HOST),
    'routing as the agent writes it': (_, c) => {
      c.log = { access: 'none', loglevel: 'warning' };
      c.routing = {
        domainStrategy: 'IPIfNonMatch',
        rules: [{ type: 'field', ip: ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/4', '::1/128', 'fc00::/7', 'fe80::/10'], outboundTag: 'block' }],
      };
    },
    'an unknown domainStrategy': (_, c) => (c.routing = { domainStrategy: 'Whatever', rules: [] }),
    'a rule to a tag no outbound has': (_, c) => (c.routing = { rules: [{ ip: ['10.0.0.0/8'], outboundTag: 'nowhere' }] }),
    'keys in another case': (i, c) => {
      c.Inbounds = c.inbounds;
      delete c.inbounds;
      i.StreamSettings = i.streamSettings;
      delete i.streamSettings;
    },
  };
  for (const [name, change] of Object.entries(accepted)) {
    test(`-test accepts ${name}, as Xray does`, async () => {
      const inbound = goodInbound('key-a', 24_000);
      const config = goodConfig(24_001, [inbound]);
      change(inbound, config);
      const result = await runXray(['run', '-test', '-c', writeConfig(config)]);
      assert.equal(result.code, 0, result.stdout);
      assert.equal(stdoutLines(result.stdout).at(-1), 'Configuration OK.');
    });
  }

  test('-test: text that is not JSON, or a missing file, exit 23', async () => {
    const broken = writeConfig('{"inbounds": [\n  {"tag": }', 'broken.json');
    const bad = await runXray(['run', '-test', '-c', broken]);
    assert.equal(bad.code, 23);
    assert.match(bad.stdout, /infra\/conf\/serial: failed to decode config: &\{Name:.*broken\.json Format:json\} > infra\/conf\/serial: failed to read config file at line 2 char \d+/);
    const missing = join(dir, 'missing.json');
    const gone = await runXray(['run', '-test', '-c', missing]);
    assert.equal(gone.code, 23);
    assert.match(gone.stdout, new RegExp(`failed to read config: &\\{Name:${missing} Format:json\\} > open ${missing}: no such file or directory`));
  });

  test('-test: a log file that cannot be created fails like core.New does', async () => {
    const config = goodConfig(24_001, [], { log: { access: join(dir, 'no-such-dir', 'access.log') } });
    const result = await runXray(['run', '-test', '-c', writeConfig(config)]);
    assert.equal(result.code, 23);
    assert.match(result.stdout, /Failed to start: main: failed to create server > app\/log: failed to initialize access logger > open .*: no such file or directory/);
  });
});

// --- REALITY warnings ---

describe('REALITY warnings', () => {
  const warningsOf = async (inbound: Json) => {
    const result = await runXray(['run', '-test', '-c', writeConfig(goodConfig(24_001, [inbound]))]);
    assert.equal(result.code, 0, result.stdout);
    return stdoutLines(result.stdout).filter((line) => line.includes('[Warning]'));
  };
  const PREFIX = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6} \[Warning\] infra\/conf: REALITY: /;

  test('warnings: serverNames with microsoft/apple/icloud or .ru/.ir/.cn, on stdout', async () => {
    for (const name of ['www.microsoft.com', 'www.APPLE.com', 'icloud.example', 'yandex.ru', 'a.ir', 'b.cn']) {
      const lines = await warningsOf(goodInbound('key-a', 443, { serverName: name }));
      const line = lines.find((text) => text.includes('as the target'));
      assert.ok(line, `${name}: ${lines.join('\n')}`);
      assert.match(line, PREFIX);
      assert.ok(line.endsWith(`Choosing "${name.toLowerCase()}" as the target will increase the likelihood of your server's IP being blocked by the GFW`), line);
    }
    const quiet = await warningsOf(goodInbound('key-a', 443, { serverName: 'www.example.com' }));
    assert.ok(!quiet.some((text) => text.includes('as the target')), quiet.join('\n'));
  });

  test('warnings: a REALITY inbound on a port other than 443', async () => {
    const off = await warningsOf(goodInbound('key-a', 8443));
    assert.ok(off.some((line) => line.endsWith("REALITY: Listening on non-443 ports will increase the likelihood of your server's IP being blocked by the GFW")));
    const on = await warningsOf(goodInbound('key-a', 443));
    assert.ok(!on.some((line) => line.includes('non-443')));
  });

  test('warnings: minClientVer, set or not', async () => {
    const unset = await warningsOf(goodInbound('key-a', 443));
    assert.ok(unset.some((line) => line.endsWith('REALITY: The default minimal client version is Xray-core v26.3.27, other clients may be refused to connect')));
    const inbound = goodInbound('key-a', 443);
    (inbound.streamSettings.realitySettings as Json).minClientVer = '25.1.1';
    const set = await warningsOf(inbound);
    assert.ok(set.some((line) => line.endsWith('REALITY: Changing "minClientVer" will increase the likelihood of your server\'s IP being blocked by the GFW')));
  });
});

// --- running ---

describe('run', () => {
  test('run: a failed listen prints Failed to start on stdout and exits 255', async () => {
    const port = await freePort();
    const holder = await holdPort(port);
    try {
      const result = await runXray(['run', '-c', writeConfig(goodConfig(await freePort(), [goodInbound('key-a', port)]))]);
      assert.equal(result.code, 255);
      assert.equal(
        stdoutLines(result.stdout).at(-1),
        `Failed to start: app/proxyman/inbound: failed to listen TCP on ${port} > transport/internet: failed to listen on address: ${HOST}:${port} > transport/internet/tcp: failed to listen TCP on ${HOST}:${port} > listen tcp ${HOST}:${port}: bind: address already in use`,
      );
    } finally {
      holder.close();
    }
  });

  test('run: the API port taken exits 255 with the bare listen error', async () => {
    const apiPort = await freePort();
    const holder = await holdPort(apiPort);
    try {
      const result = await runXray(['run', '-c', writeConfig(goodConfig(apiPort, []))]);
      assert.equal(result.code, 255);
      assert.match(result.stdout, new RegExp(`\\[Error\\] app/commander: API server failed to listen on ${HOST}:${apiPort} > listen tcp`));
      assert.equal(stdoutLines(result.stdout).at(-1), `Failed to start: listen tcp ${HOST}:${apiPort}: bind: address already in use`);
    } finally {
      holder.close();
    }
  });

  test('SO_REUSEPORT: a second Xray on the same ports starts, and connections split between them', async () => {
    const apiPort = await freePort();
    const port = await freePort();
    const path = writeConfig(goodConfig(apiPort, [goodInbound('key-a', port)], { log: { loglevel: 'warning' } }));
    const first = await startXray(path, { line: STARTED });
    const second = await startXray(path, { line: STARTED });
    const sockets: Socket[] = [];
    try {
      for (let index = 0; index < 40; index += 1) sockets.push(await openConnection(port));
      await sleep(300);
      const count = (instance: Running) => instance.output().split('\n').filter((line) => line.includes(' accepted ')).length;
      assert.equal(count(first) + count(second), 40);
      assert.ok(count(first) > 0 && count(second) > 0, `first ${count(first)}, second ${count(second)}`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await second.stop();
      await first.stop();
    }
  });

  test('run: SIGTERM closes everything and exits 0', async () => {
    const apiPort = await freePort();
    const port = await freePort();
    const instance = await startXray(writeConfig(goodConfig(apiPort, [goodInbound('key-a', port)])), { port: apiPort });
    const exited = new Promise<number | null>((resolve) => instance.child.once('exit', (code) => resolve(code)));
    assert.ok(instance.child.pid !== undefined);
    process.kill(instance.child.pid, 'SIGTERM');
    assert.equal(await withTimeout(exited, 5_000, 'the stand-in to exit'), 0);
    running.delete(instance);
    await assert.rejects(openConnection(port), /ECONNREFUSED/);
  });
});

// --- logs ---

describe('logs', () => {
  const accessLines = (text: string) => text.split('\n').filter((line) => / accepted tcp:/.test(line));

  const connectOnce = async (port: number) => {
    const socket = await openConnection(port);
    assert.equal(await get(socket, 10), 10);
    socket.destroy();
    await sleep(100);
  };

  test('access log: with a log object and no access, one line per connection on stdout', async () => {
    const apiPort = await freePort();
    const port = await freePort();
    const instance = await startXray(writeConfig(goodConfig(apiPort, [goodInbound('key-a', port, { email: 'mama@keyport' })], { log: {} })), { line: STARTED });
    try {
      await connectOnce(port);
      const [line, ...more] = accessLines(instance.output());
      assert.equal(more.length, 0);
      assert.match(line ?? '', new RegExp(`^\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} from ${HOST}:\\d+ accepted tcp:${HOST}:${port} \\[key-a >> direct\\] email: mama@keyport$`));
    } finally {
      await instance.stop();
    }
  });

  test('access log: "none", no log object, or loglevel "none" write none', async () => {
    for (const log of [{ access: 'none' }, undefined, { loglevel: 'none' }]) {
      const apiPort = await freePort();
      const port = await freePort();
      const config = goodConfig(apiPort, [goodInbound('key-a', port)]);
      if (log === undefined) delete config.log;
      else config.log = log;
      const instance = await startXray(writeConfig(config), { port: apiPort });
      try {
        await connectOnce(port);
        assert.deepEqual(accessLines(instance.output()), [], JSON.stringify(log));
        if (log?.loglevel === 'none') assert.doesNotMatch(instance.output(), /core: Xray .* started/);
      } finally {
        await instance.stop();
      }
    }
  });

  test('access and error logs: a path writes there (created 0600), not stdout', async () => {
    const apiPort = await freePort();
    const port = await freePort();
    const access = join(dir, 'access.log');
    const error = join(dir, 'error.log');
    const config = goodConfig(apiPort, [goodInbound('key-a', port)], { log: { access, error, loglevel: 'info' } });
    const instance = await startXray(writeConfig(config), { port: apiPort });
    try {
      await connectOnce(port);
      assert.equal(accessLines(readFileSync(access, 'utf8')).length, 1);
      assert.deepEqual(accessLines(instance.output()), []);
      assert.match(readFileSync(error, 'utf8'), new RegExp(`\\[Warning\\] core: Xray ${VERSION} started`));
      assert.match(readFileSync(error, 'utf8'), /\[Info\] app\/commander: API server listening on/);
      assert.doesNotMatch(instance.output(), /core: Xray .* started/);
    } finally {
      await instance.stop();
    }
  });
});

// --- api ---

describe('api', () => {
  test('api: adi, lsi, rmi against a running Xray, with its texts', async () => {
    const apiPort = await freePort();
    const api = `${HOST}:${apiPort}`;
    const firstPort = await freePort();
    const addedPort = await freePort();
    const instance = await startXray(writeConfig(goodConfig(apiPort, [goodInbound('key-a', firstPort)])), { port: apiPort });
    const held: Socket[] = [];
    try {
      const first = await openConnection(firstPort);
      held.push(first);
      assert.equal(await get(first, 1000), 1000);

      const added = await runXray(['api', 'adi', '-s', api, 'stdin:'], { input: JSON.stringify({ inbounds: [goodInbound('key-b', addedPort)] }) });
      assert.equal(added.code, 0, added.stderr);
      assert.deepEqual(
        stdoutLines(added.stdout).filter((line) => !line.includes('[Warning]')),
        ['adding: key-b', '{}'],
      );
      const socket = await openConnection(addedPort);
      held.push(socket);
      socket.write(Buffer.alloc(5000, 0x61)); // upload filler is consumed silently
      assert.equal(await get(socket, 300_000), 300_000);

      const duplicate = await runXray(['api', 'adi', `-s=${api}`], { input: JSON.stringify({ inbounds: [goodInbound('key-b', await freePort())] }) });
      assert.equal(duplicate.code, 1);
      assert.match(duplicate.stdout, /^reading from stdin:$/m);
      assert.equal(duplicate.stderr, 'failed to add inbound: rpc error: code = Unknown desc = app/proxyman/inbound: existing tag found: key-b\n');

      const invalid = goodInbound('key-c', await freePort());
      invalid.streamSettings.realitySettings.shortIds = ['abc'];
      const bad = await runXray(['api', 'adi', '--server', api], { input: JSON.stringify({ inbounds: [invalid] }) });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^failed to build conf: infra\/conf: Failed to build REALITY config\. > infra\/conf: invalid "shortIds\[0\]": abc\n$/);

      const tags = await runXray(['api', 'lsi', '-s', api, '--isOnlyTags=true']);
      assert.equal(tags.code, 0, tags.stderr);
      assert.deepEqual((JSON.parse(tags.stdout) as Json).inbounds.map((entry: Json) => entry.tag).sort(), ['key-a', 'key-b']);
      assert.ok(tags.stdout.startsWith('{\n    "inbounds": [\n        {\n            "tag": '), tags.stdout);

      const removed = await runXray(['api', 'rmi', '-s', api, 'key-b', 'no-such-tag']);
      assert.equal(removed.code, 1);
      assert.deepEqual(stdoutLines(removed.stdout), ['removing inbounds: [key-b no-such-tag]', 'removing: key-b', '{}', 'removing: no-such-tag']);
      assert.equal(removed.stderr, 'failed to remove inbound: rpc error: code = Unknown desc = common: not enough information for making a decision\n');
      // The listener closed; the established connection stays up, as in Xray.
      await assert.rejects(openConnection(addedPort), /ECONNREFUSED/);
      assert.equal(await get(socket, 4096), 4096);
    } finally {
      for (const socket of held) socket.destroy();
      await instance.stop();
    }
  });

  test('lsi: without --isOnlyTags=true every inbound comes with its full settings', async () => {
    const apiPort = await freePort();
    const port = await freePort();
    const instance = await startXray(writeConfig(goodConfig(apiPort, [goodInbound('key-a', port, { email: 'a@k' })])), { port: apiPort });
    try {
      for (const flags of [[], ['--isOnlyTags=false'], ['-isOnlyTags', 'yes']]) {
        const result = await runXray(['api', 'lsi', '-s', `${HOST}:${apiPort}`, ...flags]);
        assert.equal(result.code, 0, result.stderr);
        const [entry] = (JSON.parse(result.stdout) as Json).inbounds;
        assert.equal(entry.tag, 'key-a');
        assert.equal(entry.receiverSettings._TypedMessage_, 'xray.app.proxyman.ReceiverConfig');
        assert.equal(entry.receiverSettings.portList, port);
        assert.equal(entry.receiverSettings.listen, HOST);
        assert.equal(entry.proxySettings.users[0].email, 'a@k');
        assert.equal(entry.receiverSettings.streamSettings.securitySettings[0]._TypedMessage_, 'xray.transport.internet.reality.Config');
      }
    } finally {
      await instance.stop();
    }
  });

  test('AddHandler order: an adi whose listen fails exits 1, lsi still lists the tag, rmi removes it', async () => {
    const apiPort = await freePort();
    const api = `${HOST}:${apiPort}`;
    const port = await freePort();
    const holder = await holdPort(port);
    const instance = await startXray(writeConfig(goodConfig(apiPort, [])), { port: apiPort });
    try {
      const result = await runXray(['api', 'adi', '-s', api], { input: JSON.stringify({ inbounds: [goodInbound('key-x', port), goodInbound('key-y', await freePort())] }) });
      assert.equal(result.code, 1);
      assert.equal(
        result.stderr,
        `failed to add inbound: rpc error: code = Unknown desc = app/proxyman/inbound: failed to listen TCP on ${port} > transport/internet: failed to listen on address: ${HOST}:${port} > transport/internet/tcp: failed to listen TCP on ${HOST}:${port} > listen tcp ${HOST}:${port}: bind: address already in use\n`,
      );
      const listed = await runXray(['api', 'lsi', '-s', api, '--isOnlyTags=true']);
      assert.deepEqual((JSON.parse(listed.stdout) as Json).inbounds, [{ tag: 'key-x' }], 'stored though not started; key-y never sent');
      const again = await runXray(['api', 'adi', '-s', api], { input: JSON.stringify({ inbounds: [goodInbound('key-x', await freePort())] }) });
      assert.match(again.stderr, /existing tag found: key-x/);
      const removed = await runXray(['api', 'rmi', '-s', api, 'key-x']);
      assert.equal(removed.code, 0, removed.stderr);
      const empty = await runXray(['api', 'lsi', '-s', api, '--isOnlyTags=true']);
      assert.equal(empty.stdout, '{}\n');
    } finally {
      holder.close();
      await instance.stop();
    }
  });

  test('api: adi commands from several processes at once each add their own inbounds, all serving', async () => {
    const apiPort = await freePort();
    const api = `${HOST}:${apiPort}`;
    const instance = await startXray(writeConfig(goodConfig(apiPort, [])), { port: apiPort });
    try {
      const batches = await Promise.all(
        [0, 1, 2, 3].map(async (batch) => Promise.all([0, 1, 2].map(async (index) => goodInbound(`key-${batch}-${index}`, await freePort())))),
      );
      const results = await Promise.all(batches.map((inbounds) => runXray(['api', 'adi', '-s', api], { input: JSON.stringify({ inbounds }) })));
      for (const result of results) assert.equal(result.code, 0, result.stderr);
      const listed = await runXray(['api', 'lsi', '-s', api, '--isOnlyTags=true']);
      const tags = (JSON.parse(listed.stdout) as Json).inbounds.map((entry: Json) => entry.tag).sort();
      assert.deepEqual(tags, batches.flat().map((inbound) => inbound.tag).sort());
      for (const inbound of batches.flat()) (await openConnection(inbound.port)).destroy();
    } finally {
      await instance.stop();
    }
  });

  test('api: without HandlerService in api.services calls are Unimplemented', async () => {
    const apiPort = await freePort();
    const config = goodConfig(apiPort, []);
    config.api.services = ['StatsService'];
    const instance = await startXray(writeConfig(config), { port: apiPort });
    try {
      const result = await runXray(['api', 'lsi', '-s', `${HOST}:${apiPort}`]);
      assert.equal(result.code, 1);
      assert.equal(result.stderr, 'failed to list inbounds: rpc error: code = Unimplemented desc = unknown service xray.app.proxyman.command.HandlerService\n');
    } finally {
      await instance.stop();
    }
  });

  test('api: "failed to dial" after the whole -t when nothing listens', async () => {
    const address = `${HOST}:${await freePort()}`;
    const startedAt = Date.now();
    const result = await runXray(['api', 'lsi', '-s', address, '-t', '1']);
    const took = Date.now() - startedAt;
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `failed to dial ${address}\n`);
    assert.ok(took >= 900 && took < 3_000, `took ${took} ms`);
  });

  test('api: a port that accepts but does not speak the API is not dialled either', async () => {
    const port = await freePort();
    const silent = createServer(() => {}); // accepts, never answers: a hung Xray, or another program
    await new Promise<void>((resolve) => silent.listen({ host: HOST, port }, resolve));
    try {
      const startedAt = Date.now();
      const result = await runXray(['api', 'rmi', '-s', `${HOST}:${port}`, '-t', '1', 'key-a']);
      assert.equal(result.code, 1);
      assert.equal(result.stderr, `failed to dial ${HOST}:${port}\n`);
      assert.ok(Date.now() - startedAt >= 900, 'waited for the whole -t');
    } finally {
      silent.close();
    }
  });

  test('-t: one deadline for the dial and every call; calls before it stay done', async () => {
    const apiPort = await freePort();
    const api = `${HOST}:${apiPort}`;
    const instance = await startXray(writeConfig(goodConfig(apiPort, [])), { port: apiPort }, { ...process.env, FAKE_XRAY_RPC_DELAY_MS: '100' });
    try {
      const inbounds = await Promise.all(Array.from({ length: 30 }, async (_, index) => goodInbound(`key-${index}`, await freePort())));
      const startedAt = Date.now();
      const result = await runXray(['api', 'adi', '-s', api, '-t', '1'], { input: JSON.stringify({ inbounds }) });
      const took = Date.now() - startedAt;
      assert.equal(result.code, 1);
      assert.equal(result.stderr, 'failed to add inbound: rpc error: code = DeadlineExceeded desc = context deadline exceeded\n');
      assert.ok(took < 2_500, `took ${took} ms`);
      const done = stdoutLines(result.stdout).filter((line) => line === '{}').length;
      assert.ok(done >= 5 && done <= 10, `${done} calls done in 1 s at 100 ms each`);
      await sleep(300); // the call in flight at the deadline completes on the server
      const listed = await runXray(['api', 'lsi', '-s', api, '--isOnlyTags=true']);
      const count = (JSON.parse(listed.stdout) as Json).inbounds.length;
      assert.ok(count === done || count === done + 1, `listed ${count}, printed ${done}`);
    } finally {
      await instance.stop();
    }
  });
});

// --- 10,000 inbounds ---

describe('10,000 inbounds', () => {
  const COUNT = 10_000;
  const many = (port: number) => Array.from({ length: COUNT }, (_, index) => goodInbound(`key-${String(index).padStart(5, '0')}`, port));

  test('lsi at 10,000 inbounds: full settings exceed gRPC 4 MiB, --isOnlyTags=true does not', { timeout: 240_000 }, async () => {
    const apiPort = await freePort();
    const port = await freePort();
    // One port for all: Xray's SO_REUSEPORT lets every inbound bind it.
    const instance = await startXray(writeConfig(goodConfig(apiPort, many(port), { log: { access: 'none', error: 'none' } })), { port: apiPort });
    try {
      const api = `${HOST}:${apiPort}`;
      // A generous -t: building 10,000 inbounds' settings takes the stand-in seconds, more on a loaded machine.
      const full = await runXray(['api', 'lsi', '-s', api, '-t', '60'], { timeoutMs: 90_000 });
      assert.equal(full.code, 1);
      const match = /^failed to list inbounds: rpc error: code = ResourceExhausted desc = grpc: received message larger than max \((\d+) vs\. 4194304\)\n$/.exec(full.stderr);
      assert.ok(match, full.stderr);
      const size = Number(match[1]);
      assert.ok(size > 3_500_000 && size < 6_000_000, `estimated ${size} bytes, ${size / COUNT} per inbound`);
      const tags = await runXray(['api', 'lsi', '-s', api, '-t', '60', '--isOnlyTags=true'], { timeoutMs: 90_000 });
      assert.equal(tags.code, 0, tags.stderr);
      assert.equal((JSON.parse(tags.stdout) as Json).inbounds.length, COUNT);
    } finally {
      await instance.stop();
    }
  });

  test('adi of 10,000 inbounds in one command: the default 3 s deadline passes mid-way', { timeout: 120_000 }, async () => {
    const apiPort = await freePort();
    const api = `${HOST}:${apiPort}`;
    const port = await freePort();
    const instance = await startXray(writeConfig(goodConfig(apiPort, [], { log: { access: 'none', error: 'none' } })), { port: apiPort }, { ...process.env, FAKE_XRAY_RPC_DELAY_MS: '1' });
    try {
      const result = await runXray(['api', 'adi', '-s', api], { input: JSON.stringify({ inbounds: many(port) }), timeoutMs: 60_000 });
      assert.equal(result.code, 1);
      assert.equal(result.stderr, 'failed to add inbound: rpc error: code = DeadlineExceeded desc = context deadline exceeded\n');
      const done = stdoutLines(result.stdout).filter((line) => line === '{}').length;
      assert.ok(done > 0 && done < COUNT, `${done} added`);
      await sleep(300);
      const listed = await runXray(['api', 'lsi', '-s', api, '-t', '20', '--isOnlyTags=true'], { timeoutMs: 30_000 });
      const count = (JSON.parse(listed.stdout) as Json).inbounds.length;
      assert.ok(count === done || count === done + 1, `listed ${count}, printed ${done}`);
    } finally {
      await instance.stop();
    }
  });
});

// --- the wrapper ---

describe('wrapper', () => {
  test('wrapper: works symlinked or copied as the e2e harness installs it', async () => {
    const bin = mkdtempSync(join(dir, 'bin-'));
    symlinkSync(XRAY, join(bin, 'xray-link'));
    const linked = await runXray(['version'], { bin: join(bin, 'xray-link'), env: { PATH: '/usr/bin:/bin' } });
    assert.equal(linked.code, 0, linked.stderr);
    assert.match(linked.stdout, new RegExp(`^Xray ${VERSION.replaceAll('.', '\\.')} `));
  });

  test('wrapper: a Node without reusePort is refused loudly', async (t) => {
    const old = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => existsSync(path));
    if (!old) return t.skip('no system node here');
    const result = await runXray(['version'], { env: { PATH: '/usr/bin:/bin', FAKE_XRAY_NODE: old } });
    const version = await runXray(['-e', 'process.stdout.write(process.versions.node)'], { bin: old });
    const [major = 0, minor = 0] = version.stdout.split('.').map(Number);
    if (major > 23 || (major === 22 && minor >= 12) || (major === 23 && minor >= 1)) return t.skip(`system node ${version.stdout} has reusePort`);
    assert.equal(result.code, 70);
    assert.match(result.stderr, /has no reusePort/);
  });
});
