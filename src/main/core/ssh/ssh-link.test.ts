import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isKeyportError, type KeyportErrorCode } from '../../../shared/contract/errors.ts';
import { TestServer } from '../../../../e2e/harness/test-server.ts';
import { suiteFixture } from '../../../../test-support/suite-fixture.ts';
import { freePort, waitForPort } from '../../../../test-support/tcp-traffic.ts';
import { probeHostKey, SshLink, type SshEndpoint, type SshLinkOptions } from './ssh-link.ts';
import { assertUploadsExact } from './testing/exact-uploads.ts';

const keyportError = (code: KeyportErrorCode, check: (message: string, facts: Record<string, unknown>) => void = () => undefined) =>
  (error: unknown) => {
    assert.ok(isKeyportError(error), `expected a KeyportError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    check(error.message, error.facts);
    return true;
  };

describe('SshLink, against a real sshd in a network namespace', () => {
  let server: TestServer;
  let endpoint: SshEndpoint;
  let privateKey: Buffer;
  let trusted: Map<string, string>;
  const localDir = mkdtempSync(join(tmpdir(), 'keyport-ssh-link-'));
  const links: SshLink[] = [];
  const helpers: ChildProcess[] = [];

  const newLink = (overrides: Partial<SshLinkOptions> = {}) => {
    const link = new SshLink({ endpoint, credentials: { privateKey }, trustedKeys: trusted, ...overrides });
    links.push(link);
    return link;
  };
  /** Starts a long-running helper inside the namespace; `ip netns exec` execs it, so the pid is the helper's. */
  const spawnInNamespace = (command: string, args: string[]) => {
    const child = spawn('ip', ['netns', 'exec', server.namespace, command, ...args], { stdio: 'ignore' });
    helpers.push(child);
    return child;
  };

  before(async () => {
    server = await TestServer.create(await freePort());
    endpoint = { host: '127.0.0.1', port: server.sshPort, user: 'root' };
    privateKey = readFileSync(server.clientKeyPath);
    trusted = new Map([[`127.0.0.1:${server.sshPort}`, server.hostKeyFingerprint]]);
  });
  after(async () => {
    await Promise.all(links.map((link) => link.close()));
    for (const helper of helpers) {
      if (helper.pid !== undefined && helper.exitCode === null) process.kill(helper.pid, 'SIGKILL');
    }
    await server?.destroy();
    rmSync(localDir, { recursive: true, force: true });
  });

  test('connects on first use and runs commands as root through sh', async () => {
    const link = newLink();
    assert.equal(link.state, 'idle');
    const connecting = link.host();
    assert.equal(link.state, 'connecting');
    const host = await connecting;
    assert.equal(link.state, 'ready');
    assert.equal(host.asRoot, true);
    assert.deepEqual(await host.run('id -u; echo "$0"'), { stdout: '0\nsh\n', stderr: '', exitCode: 0 });
    assert.equal(await host.check('cat', { stdin: 'through stdin' }), 'through stdin');
    assert.deepEqual(await host.run('echo oops >&2; exit 3'), { stdout: '', stderr: 'oops\n', exitCode: 3 });
    await assert.rejects(host.check('echo oops >&2; exit 3'), /exit code 3: oops/);
    assert.equal(await link.host(), host, 'the same RemoteHost every time');
    assert.equal(link.connectionsMade, 1);
  });

  test('probeHostKey reports the fingerprint ssh-keygen shows, without logging in', async () => {
    assert.deepEqual(await probeHostKey(endpoint), { fingerprint: server.hostKeyFingerprint, keyType: 'ssh-ed25519' });
  });

  test('an unknown host key is refused, with its fingerprint; once accepted, the next call connects', async () => {
    const trustedKeys = new Map<string, string>();
    const link = newLink({ trustedKeys });
    await assert.rejects(
      link.host(),
      keyportError('host-key-unknown', (message, facts) => {
        assert.match(message, new RegExp(escape(server.hostKeyFingerprint)));
        assert.equal(facts.fingerprint, server.hostKeyFingerprint);
        assert.equal(facts.endpoint, `127.0.0.1:${server.sshPort}`);
      }),
    );
    assert.equal(link.state, 'offline');
    assert.equal(link.connectionsMade, 0);
    trustedKeys.set(`127.0.0.1:${server.sshPort}`, server.hostKeyFingerprint);
    assert.equal((await (await link.host()).check('echo accepted')).trim(), 'accepted');
  });

  test('a changed host key is refused, naming both fingerprints and the risk of an attack', async () => {
    const expected = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const link = newLink({ trustedKeys: new Map([[`127.0.0.1:${server.sshPort}`, expected]]) });
    await assert.rejects(
      link.host(),
      keyportError('host-key-changed', (message, facts) => {
        assert.ok(message.includes(expected) && message.includes(server.hostKeyFingerprint), message);
        assert.match(message, /attack/);
        assert.deepEqual(facts, { endpoint: `127.0.0.1:${server.sshPort}`, expected, presented: server.hostKeyFingerprint, keyType: 'ssh-ed25519' });
      }),
    );
    assert.equal(link.connectionsMade, 0);
  });

  test('a client key the server does not know fails as auth-failed, naming user@host and the methods tried', async () => {
    const otherKey = join(localDir, 'other_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const keyText = readFileSync(otherKey, 'utf8');
    const link = newLink({ credentials: { privateKey: keyText } });
    await assert.rejects(
      link.host(),
      keyportError('auth-failed', (message) => {
        assert.match(message, new RegExp(`root@127\\.0\\.0\\.1:${server.sshPort}`));
        assert.match(message, /tried publickey/);
        assert.ok(!message.includes(keyText.split('\n')[1]!), 'no key material in the message');
      }),
    );
    assert.equal(link.state, 'offline');
  });

  test('a wrong passphrase fails as ssh-key-unusable, with no retry and without showing the passphrase', async () => {
    const lockedKey = join(localDir, 'locked_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'right horse battery', '-f', lockedKey]);
    const link = newLink({ credentials: { privateKey: readFileSync(lockedKey), passphrase: 'wrong staple' } });
    await assert.rejects(
      link.host(),
      keyportError('ssh-key-unusable', (message, facts) => {
        assert.match(message, /private key cannot be used: the passphrase given does not open it/);
        assert.doesNotMatch(message, /tries again/);
        assert.equal(facts.problem, 'passphrase-wrong');
        assert.ok(!message.includes('wrong staple') && !message.includes('right horse'), message);
      }),
    );
  });

  test('upload puts a file in place, owned by root with the mode asked, and replaces an older one', async () => {
    const host = await newLink().host();
    await assertUploadsExact(host, server, localDir, [64 * 1024, 300 * 1024 + 7]);
  });

  test('an upload whose sshd dies under it fails at once as server-offline, and the next call connects again', async () => {
    const link = newLink();
    const host = await link.host();
    const localPath = join(localDir, 'big-runtime');
    writeFileSync(localPath, randomBytes(96 * 1024 * 1024));
    const remotePath = join(server.dir, 'cut-upload');
    const uploading = host.upload(localPath, remotePath, 0o755).then(
      () => assert.fail('the upload finished although its link was cut'),
      (error: unknown) => error,
    );
    await waitFor(() => bytesStaged(server.tmpDir) > 1024 * 1024, 'the upload is under way', 10_000);
    assert.ok(server.killSshd().length > 0, 'sshd serves the session');
    const cutAt = performance.now();
    const failure = await Promise.race([uploading, sleep(10_000).then(() => 'still waiting 10 s after the cut')]);
    assert.ok(isKeyportError(failure), String(failure));
    assert.equal(failure.code, 'server-offline', failure.message);
    assert.ok(performance.now() - cutAt < 5_000, `failed ${Math.round(performance.now() - cutAt)} ms after the cut`);
    assert.equal(existsSync(remotePath), false, 'nothing half-uploaded is put in place');
    await waitFor(() => link.state !== 'ready' || link.connectionsMade > 1, 'the link notices the connection closed');
    assert.equal((await host.check('echo back')).trim(), 'back');
  });

  test('each connection removes the staging files a cut link left, never a live upload\'s or anything else', async () => {
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    const abandoned = join(server.tmpDir, 'keyport-upload.Ab12Cd');
    const live = join(server.tmpDir, 'keyport-upload.Ef34Gh');
    const other = join(server.tmpDir, 'keyport-upload-notes');
    for (const path of [abandoned, live, other]) writeFileSync(path, 'partial');
    for (const path of [abandoned, other]) utimesSync(path, tenMinutesAgo, tenMinutesAgo);
    await (await newLink().host()).check('true');
    assert.equal(existsSync(abandoned), false, 'a staging file nothing wrote for 10 minutes is gone');
    assert.equal(existsSync(live), true, 'a staging file being written stays');
    assert.equal(existsSync(other), true, 'a file of another name stays');
    rmSync(live);
    rmSync(other);
  });

  test('writeFile writes content from stdin with mode 0600', async () => {
    const host = await newLink().host();
    const remotePath = join(server.dir, 'agent.env');
    const content = "API_KEY='it''s $HOME `secret`'\nLINE=2\n";
    await host.writeFile(remotePath, content, 0o644);
    await host.writeFile(remotePath, content, 0o600);
    assert.equal(readFileSync(remotePath, 'utf8'), content);
    assert.equal(server.exec('stat', ['-c', '%a %U', remotePath]).trim(), '600 root');
  });

  test('openStream reaches a TCP server on the loopback inside the namespace', async () => {
    const echoPort = 7100;
    spawnInNamespace('socat', [`TCP-LISTEN:${echoPort},bind=127.0.0.1,reuseaddr,fork`, 'EXEC:cat']);
    const host = await newLink().host();
    const echoed = await retry(async () => {
      const stream = await host.openStream('127.0.0.1', echoPort);
      return await roundTrip(stream, 'ping through the tunnel\n');
    });
    assert.equal(echoed, 'ping through the tunnel\n');
    await assert.rejects(host.openStream('127.0.0.1', 7199), /cannot open 127\.0\.0\.1:7199/);
  });

  test('20 concurrent calls share one connection', async () => {
    const link = newLink();
    const outputs = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => (await link.host()).check(`sleep 0.2; echo ${index}`)),
    );
    assert.deepEqual(outputs, Array.from({ length: 20 }, (_, index) => `${index}\n`));
    assert.equal(link.connectionsMade, 1);
  });

  test('a command that outlives its timeout is stopped and rejected, and the link stays usable', async () => {
    const host = await newLink().host();
    const started = Date.now();
    await assert.rejects(host.run('sleep 10', { timeoutMs: 300 }), keyportError('server-offline', (message) => assert.match(message, /did not finish within 0\.3 s/)));
    assert.ok(Date.now() - started < 2_000);
    assert.equal(await host.check('echo still here'), 'still here\n');
  });

  test('an attempt is bounded by connectTimeoutMs even when the server never speaks SSH', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      const link = newLink({ endpoint: { ...endpoint, port }, connectTimeoutMs: 500 });
      const started = Date.now();
      await assert.rejects(link.host(), keyportError('server-offline', (message) => assert.match(message, /no SSH session within 0\.5 s/)));
      assert.ok(Date.now() - started < 500 + 2_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  test('offline: calls fail within the connect timeout, fail fast during the backoff, and succeed once the server is back', async () => {
    const connectTimeoutMs = 3_000;
    const link = newLink({ connectTimeoutMs, backoff: { initialMs: 1_500, maxMs: 6_000 } });
    const host = await link.host();
    await host.check('true');
    after(() => server.startSshd());

    await server.stopSshd();
    cutOpenSessions(server.sshPort);
    await waitFor(() => link.state !== 'ready', 'the link notices the connection closed');
    let started = Date.now();
    await assert.rejects(
      host.run('true'),
      keyportError('server-offline', (message, facts) => {
        assert.equal(facts.retryInMs, 1_500);
        // The wait is a fact: a message saying "in 1.5 s" would say it still when read later.
        assert.doesNotMatch(message, /tries again|\d s\b/);
      }),
    );
    assert.ok(Date.now() - started < connectTimeoutMs + 2_000);
    assert.equal(link.state, 'offline');

    started = Date.now();
    let retryInMs = 0;
    await assert.rejects(
      link.host(),
      keyportError('server-offline', (message, facts) => {
        assert.match(message, /^Cannot reach root@127\.0\.0\.1/);
        retryInMs = facts.retryInMs as number;
      }),
    );
    assert.ok(Date.now() - started < 100, 'fails fast during the backoff');
    assert.ok(retryInMs > 0 && retryInMs <= 1_500);

    server.startSshd();
    await waitForPort(server.sshPort);
    await sleep(retryInMs + 50);
    assert.equal(await host.check('echo back'), 'back\n');
    assert.equal(link.connectionsMade, 2);
    assert.equal(link.state, 'ready');
  });

  test('close ends the connection; a later call connects again', async () => {
    const link = newLink();
    await (await link.host()).check('true');
    await link.close();
    assert.equal(link.state, 'idle');
    await (await link.host()).check('true');
    assert.equal(link.connectionsMade, 2);
  });

  describe('a user who is not root', () => {
    test('with passwordless sudo, commands, upload and writeFile run as root', async () => {
      const user = server.addUser('nopasswd');
      const host = await newLink({ endpoint: { ...endpoint, user } }).host();
      assert.equal(host.asRoot, false);
      assert.equal(await host.check('id -u'), '0\n');
      assert.equal(await host.check('cat', { stdin: 'via sudo' }), 'via sudo');
      const localPath = join(localDir, 'for-sudo.bin');
      const content = randomBytes(50_000);
      writeFileSync(localPath, content);
      const remotePath = join(server.dir, `uploaded-by-${user}`);
      await host.upload(localPath, remotePath, 0o640);
      assert.equal(server.exec('sha256sum', [remotePath]).split(' ')[0], createHash('sha256').update(content).digest('hex'));
      assert.equal(server.exec('stat', ['-c', '%a %U', remotePath]).trim(), '640 root');
      await host.writeFile(`${remotePath}.env`, 'SECRET=1\n', 0o600);
      assert.equal(server.exec('stat', ['-c', '%a %U', `${remotePath}.env`]).trim(), '600 root');
    });

    for (const sudo of ['password', 'none'] as const) {
      test(`whose sudo ${sudo === 'password' ? 'asks for a password' : 'is not allowed'} gets sudo-password-required, saying what to set up`, async () => {
        const user = server.addUser(sudo);
        const host = await newLink({ endpoint: { ...endpoint, user } }).host();
        assert.equal(host.asRoot, false);
        await assert.rejects(
          host.run('id -u'),
          keyportError('sudo-password-required', (message) => {
            assert.ok(message.startsWith(`${user} on 127.0.0.1 needs a password for sudo`), message);
            assert.ok(message.includes(`'${user} ALL=(ALL) NOPASSWD: ALL' in /etc/sudoers.d/keyport`), message);
          }),
        );
      });
    }
  });

  describe('other credentials', () => {
    test('a password logs in; a wrong one fails as auth-failed without showing it', async () => {
      const password = 'correct horse 7';
      const user = server.addUser('nopasswd', { password });
      const host = await newLink({ endpoint: { ...endpoint, user }, credentials: { password } }).host();
      assert.equal(await host.check('id -un; echo "$SUDO_USER"'), `root\n${user}\n`, 'logged in as the user, root through sudo');

      const wrong = 'wrong horse 8';
      await assert.rejects(
        newLink({ endpoint: { ...endpoint, user }, credentials: { password: wrong } }).host(),
        keyportError('auth-failed', (message, facts) => {
          assert.match(message, /tried password/);
          const shown = `${message} ${JSON.stringify(facts)}`;
          assert.ok(!shown.includes(wrong) && !shown.includes(password), shown);
        }),
      );
    });

    describe('an ssh-agent holding the client key', () => {
      const agentSocket = join(localDir, 'agent.sock');
      let agent: ChildProcess;
      before(async () => {
        agent = spawn('ssh-agent', ['-a', agentSocket, '-D'], { stdio: 'ignore' });
        await waitFor(() => existsSync(agentSocket), 'ssh-agent listens');
        execFileSync('ssh-add', ['-q', server.clientKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket }, stdio: 'ignore' });
      });
      after(() => {
        if (agent.pid !== undefined && agent.exitCode === null) process.kill(agent.pid, 'SIGTERM');
      });

      test('logs in as root through the agent', async () => {
        const host = await newLink({ credentials: { agentSocket } }).host();
        assert.equal(host.asRoot, true);
        assert.equal(await host.check('id -un'), 'root\n');
      });
    });
  });

  describe('ProxyJump', () => {
    // A second sshd inside the namespace, reachable only from there: the jump host must forward to it.
    const innerPort = 2222;
    let inner: SshEndpoint;
    before(async () => {
      inner = { host: '127.0.0.1', port: innerPort, user: 'root' };
      const innerConfig = join(localDir, 'inner_sshd_config');
      // First: sshd takes the first SetEnv line only (the harness's sets TMPDIR).
      writeFileSync(innerConfig, `SetEnv KEYPORT_SSHD=inner\n${readFileSync(join(server.dir, 'sshd_config'), 'utf8')}`, { mode: 0o600 });
      spawnInNamespace('socat', [
        `TCP-LISTEN:${innerPort},bind=127.0.0.1,reuseaddr,fork`,
        `EXEC:${join(server.dir, 'enter.sh')} /usr/sbin/sshd -i -f ${innerConfig}`,
      ]);
      await waitFor(() => server.exec('ss', ['-Hltn', `sport = :${innerPort}`]).trim() !== '', 'the inner sshd listens');
    });

    test('reaches the target through the jump host', async () => {
      const trustedKeys = new Map([...trusted, [`127.0.0.1:${innerPort}`, server.hostKeyFingerprint]]);
      const link = newLink({ endpoint: inner, jumps: [endpoint], trustedKeys });
      const host = await link.host();
      assert.equal(await host.check('echo "$KEYPORT_SSHD"'), 'inner\n', 'the session is served by the inner sshd');
      assert.equal(link.connectionsMade, 1);
    });

    test('every hop must be trusted: an unknown target key behind a trusted jump host is refused', async () => {
      const link = newLink({ endpoint: inner, jumps: [endpoint] });
      await assert.rejects(link.host(), keyportError('host-key-unknown', (_, facts) => assert.equal(facts.endpoint, `127.0.0.1:${innerPort}`)));
    });

    test('an untrusted jump host is refused before anything goes through it', async () => {
      const link = newLink({ endpoint: inner, jumps: [endpoint], trustedKeys: new Map() });
      await assert.rejects(link.host(), keyportError('host-key-unknown', (_, facts) => assert.equal(facts.endpoint, `127.0.0.1:${server.sshPort}`)));
    });

    test('probeHostKey goes through a trusted jump host', async () => {
      const probe = await probeHostKey(inner, { jumps: [endpoint], credentials: { privateKey }, trustedKeys: trusted });
      assert.equal(probe.fingerprint, server.hostKeyFingerprint);
    });
  });
});

/**
 * The harness's stopSshd ends only socat's listener; the per-connection socat children it forked
 * live on. Ending them (they are this test's, found by their port) drops the open sessions too.
 */
function cutOpenSessions(port: number): void {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (argv[0] === 'socat' && argv[1]?.startsWith(`TCP-LISTEN:${port},`)) process.kill(Number(pid), 'SIGTERM');
  }
}

describe('SshLink, when a server it knows comes back with another host key', () => {
  const suite = suiteFixture(async () => TestServer.create(await freePort()), (server) => server.destroy());

  test('the next connection is refused as host-key-changed, naming the accepted and the presented key', async () => {
    const server = suite();
    const accepted = server.hostKeyFingerprint;
    const link = new SshLink({
      endpoint: { host: '127.0.0.1', port: server.sshPort, user: 'root' },
      credentials: { privateKey: readFileSync(server.clientKeyPath) },
      trustedKeys: new Map([[`127.0.0.1:${server.sshPort}`, accepted]]),
    });
    try {
      await (await link.host()).check('true');
      server.replaceHostKey();
      await link.close();
      await assert.rejects(
        link.host(),
        keyportError('host-key-changed', (message, facts) => {
          assert.ok(message.includes(accepted) && message.includes(server.hostKeyFingerprint), message);
          assert.deepEqual(facts, { endpoint: `127.0.0.1:${server.sshPort}`, expected: accepted, presented: server.hostKeyFingerprint, keyType: 'ssh-ed25519' });
        }),
      );
      assert.equal(link.state, 'offline');
    } finally {
      await link.close();
    }
  });
});

function roundTrip(stream: Duplex, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    stream.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (received.length >= text.length) {
        stream.end();
        resolve(received);
      }
    });
    stream.once('error', reject);
    stream.once('close', () => reject(new Error(`stream closed after ${JSON.stringify(received)}`)));
    stream.write(text);
  });
}

async function retry<T>(work: () => Promise<T>, attempts = 30): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(100);
    }
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

/** Bytes in the staging files of a server's TMPDIR. */
function bytesStaged(tmpDir: string): number {
  return readdirSync(tmpDir)
    .filter((name) => name.startsWith('keyport-upload.'))
    .reduce((sum, name) => sum + statSync(join(tmpDir, name)).size, 0);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
