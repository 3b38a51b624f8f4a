import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestServer } from '../../../../e2e/harness/test-server.ts';
import { freePort, waitForPort } from '../../../../test-support/tcp-traffic.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { ServerInfo } from '../../../shared/contract/servers.ts';
import { ConsoleCache } from '../cache/console-cache.ts';
import { CACHE_FILE_NAME, openKeyportCore, type KeyportCore } from '../keyport-core.ts';

/** The server is reinstalled: the open connection ends, and sshd comes back with a new host key. Answers the one it had. */
async function reinstall(server: TestServer): Promise<string> {
  const accepted = server.hostKeyFingerprint;
  await server.stopSshd();
  server.replaceHostKey();
  server.startSshd();
  await waitForPort(server.sshPort);
  return accepted;
}

/** Closes the core, destroys the test server and removes the home: those of them that were made. */
async function tearDown(core: KeyportCore | undefined, server: TestServer | undefined, home: string | undefined): Promise<void> {
  await core?.close();
  await server?.destroy();
  if (home) rmSync(home, { recursive: true, force: true });
}

const OTHER_KEY = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

const coded = (code: string, check: (facts: KeyportError['facts']) => boolean = () => true) => (error: unknown) =>
  error instanceof KeyportError && error.code === code && check(error.facts);

/**
 * A server that was reinstalled (a new host key): its status is `host-key-changed` with both
 * fingerprints, and `Fleet.trustHostKey` accepts the new key only when given the one it presents,
 * keeping the server's record (id, added date) instead of removing and re-adding it.
 */
describe('trusting a changed host key', { timeout: 120_000 }, () => {
  let server: TestServer;
  let home: string;
  let core: KeyportCore;
  let added: ServerInfo;

  before(async () => {
    server = await TestServer.create(await freePort());
    home = mkdtempSync(join(tmpdir(), 'keyport-trust-'));
    core = await openKeyportCore({ home });
    added = await core.fleet.add({
      name: 'alpha',
      host: '127.0.0.1',
      port: server.sshPort,
      user: 'root',
      auth: { method: 'key', keyPath: server.clientKeyPath },
      acceptedFingerprint: server.hostKeyFingerprint,
    });
    assert.equal((await core.fleet.status('alpha')).state, 'not-deployed');
  });

  after(async () => {
    await tearDown(core, server, home);
  });

  test('a changed key is a state naming both fingerprints, and calls are refused naming the server', async () => {
    const accepted = await reinstall(server);
    const status = await core.fleet.status('alpha');
    assert.equal(status.state, 'host-key-changed');
    assert.deepEqual(status.hostKeyChange, {
      endpoint: `127.0.0.1:${server.sshPort}`,
      accepted,
      presented: server.hostKeyFingerprint,
      keyType: 'ssh-ed25519',
    });
    assert.ok(status.reason?.includes(accepted) && status.reason.includes(server.hostKeyFingerprint), status.reason ?? '');
    await assert.rejects(core.deploy.deploy('alpha'), coded('host-key-changed', (facts) => facts.server === 'alpha' && facts.presented === server.hostKeyFingerprint));
  });

  test('a fingerprint that is not the presented one, or not a fingerprint, is refused and changes nothing', async () => {
    await assert.rejects(
      core.fleet.trustHostKey('alpha', OTHER_KEY),
      coded('host-key-changed', (facts) => facts.presented === server.hostKeyFingerprint && facts.given === OTHER_KEY),
    );
    await assert.rejects(core.fleet.trustHostKey('alpha', 'SHA256:short'), coded('bad-input'));
    await assert.rejects(core.fleet.trustHostKey('alpha', `${server.hostKeyFingerprint}; rm -rf /`), coded('bad-input'));
    await assert.rejects(core.fleet.trustHostKey('nobody', server.hostKeyFingerprint), coded('not-found'));
    assert.equal((await core.fleet.status('alpha')).state, 'host-key-changed');
    assert.deepEqual(await core.fleet.list(), [added]);
  });

  test('the presented fingerprint is trusted: the same server record connects again', async () => {
    const trusted = await core.fleet.trustHostKey('alpha', server.hostKeyFingerprint);
    assert.deepEqual(trusted, { ...added, hostKeyFingerprint: server.hostKeyFingerprint });
    assert.equal((await core.fleet.status('alpha')).state, 'not-deployed');
    assert.deepEqual(await core.fleet.list(), [trusted]);
    // Trusting the key it trusts already changes nothing and is no error.
    assert.deepEqual(await core.fleet.trustHostKey('alpha', server.hostKeyFingerprint), trusted);
  });

  test('after a restart the new key is the trusted one', async () => {
    await core.close();
    core = await openKeyportCore({ home });
    assert.equal((await core.fleet.status('alpha')).state, 'not-deployed');
  });

  test('a key Keyport never accepted (the trusted one lost from the cache) is shown, and trusting it connects', async () => {
    await core.close();
    const cache = new ConsoleCache(join(home, CACHE_FILE_NAME));
    cache.saveServer(cache.findServer('alpha')!, { trustedKeys: {} });
    cache.close();
    core = await openKeyportCore({ home });

    const status = await core.fleet.status('alpha');
    assert.equal(status.state, 'host-key-unknown');
    assert.deepEqual(status.hostKeyChange, { endpoint: `127.0.0.1:${server.sshPort}`, accepted: null, presented: server.hostKeyFingerprint, keyType: 'ssh-ed25519' });
    await assert.rejects(core.deploy.deploy('alpha'), coded('host-key-unknown', (facts) => facts.server === 'alpha' && facts.fingerprint === server.hostKeyFingerprint));
    await assert.rejects(core.fleet.trustHostKey('alpha', OTHER_KEY), coded('host-key-unknown', (facts) => facts.expected === null && facts.given === OTHER_KEY));
    assert.equal((await core.fleet.status('alpha')).state, 'host-key-unknown');

    await core.fleet.trustHostKey('alpha', server.hostKeyFingerprint);
    assert.equal((await core.fleet.status('alpha')).state, 'not-deployed');
  });
});

/**
 * A server reached through a ProxyJump hop that is reinstalled with it (here the hop is the same
 * machine, so both present the same new key): the hop's change is the one shown, and trusting the
 * new key trusts it on the hop and then on the server behind it.
 */
describe('trusting a changed host key through a ProxyJump hop', { timeout: 120_000 }, () => {
  const INNER_PORT = 2222;
  let server: TestServer;
  let home: string;
  let core: KeyportCore;
  const savedHome = process.env.HOME;

  before(async () => {
    server = await TestServer.create(await freePort());
    server.serveSshInside(INNER_PORT);
    home = mkdtempSync(join(tmpdir(), 'keyport-trust-jump-'));
    mkdirSync(join(home, '.ssh'), { mode: 0o700 });
    writeFileSync(
      join(home, '.ssh', 'config'),
      `Host behind\n  HostName 127.0.0.1\n  Port ${INNER_PORT}\n  User root\n  IdentityFile ${server.clientKeyPath}\n  ProxyJump root@127.0.0.1:${server.sshPort}\n`,
    );
    process.env.HOME = home;
    core = await openKeyportCore({ home: join(home, 'keyport') });
    let probe: Awaited<ReturnType<KeyportCore['fleet']['probeHostKey']>> | undefined;
    // The inner listener comes up on its own time.
    for (let attempt = 0; attempt < 50 && !probe; attempt += 1) {
      probe = await core.fleet.probeHostKey({ sshAlias: 'behind' }).catch(() => undefined);
      if (!probe) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(probe, 'the server answers through its hop');
    await core.fleet.add({
      name: 'behind',
      sshAlias: 'behind',
      acceptedFingerprint: probe.fingerprint,
      acceptedJumpFingerprints: Object.fromEntries((probe.jumps ?? []).map((jump) => [jump.endpoint, jump.fingerprint])),
    });
    assert.equal((await core.fleet.status('behind')).state, 'not-deployed');
  });

  after(async () => {
    process.env.HOME = savedHome;
    await tearDown(core, server, home);
  });

  test("the hop's new key is named, and trusting it reaches the server behind it again", async () => {
    const accepted = await reinstall(server);
    const hop = `127.0.0.1:${server.sshPort}`;
    const status = await core.fleet.status('behind');
    assert.equal(status.state, 'host-key-changed');
    assert.deepEqual(status.hostKeyChange, { endpoint: hop, accepted, presented: server.hostKeyFingerprint, keyType: 'ssh-ed25519' });

    await assert.rejects(core.fleet.trustHostKey('behind', OTHER_KEY), coded('host-key-changed', (facts) => facts.endpoint === hop));
    const trusted = await core.fleet.trustHostKey('behind', server.hostKeyFingerprint);
    assert.equal(trusted.hostKeyFingerprint, server.hostKeyFingerprint, 'the server behind the hop presents the same new key: trusted too');
    assert.equal((await core.fleet.status('behind')).state, 'not-deployed');
  });
});
