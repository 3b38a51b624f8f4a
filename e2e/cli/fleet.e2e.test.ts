import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { keyport, keyportJson } from '../support/keyport-cli.ts';
import { moveBytesThenHistory } from '../support/key-traffic.ts';
import { XrayReleaseSite } from '../support/xray-release-site.ts';

const REPO = resolve(import.meta.dirname, '../..');

/**
 * The console core end to end, through the `keyport` CLI as an admin runs it: two test servers
 * (namespaces with real sshd, iptables and the stand-in Xray), the agent deployed onto both over
 * SSH, keys and traffic through the tunnel, Xray installed from a release site, an offline server
 * read from the cache, a broken upgrade rolled back, and a changed host key refused, then trusted.
 */
describe('keyport CLI against two test servers', { timeout: 600_000 }, () => {
  let alpha: TestServer;
  let beta: TestServer;
  let scratch: string;
  let env: Record<string, string>;
  /** Xray releases served inside alpha's namespace. */
  let releases: XrayReleaseSite;
  const createdKeys: Record<string, { id: string; port: number; name: string }> = {};

  before(async () => {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
    alpha = await TestServer.create(await freePort());
    beta = await TestServer.create(await freePort());
    scratch = mkdtempSync(join(tmpdir(), 'keyport-e2e-home-'));
    const home = join(scratch, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    writeFileSync(
      join(home, '.ssh', 'config'),
      `Host beta-vps\n  HostName 127.0.0.1\n  Port ${beta.sshPort}\n  User root\n  IdentityFile ${beta.clientKeyPath}\n`,
    );
    env = { HOME: home, KEYPORT_HOME: join(scratch, 'keyport'), SSH_AUTH_SOCK: '' };
    releases = await XrayReleaseSite.start(alpha, scratch);
  });

  after(async () => {
    await releases?.stop();
    await alpha?.destroy();
    await beta?.destroy();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('a host key that differs from the one the admin accepted is refused, and nothing is added', async () => {
    const result = await keyport(
      ['server', 'add', 'alpha', '--host', '127.0.0.1', '--port', String(alpha.sshPort), '--key', alpha.clientKeyPath,
        '--accept-host-key', 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
      env,
    );
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, new RegExp(alpha.hostKeyFingerprint.replace(/[+/]/g, '\\$&')));
    assert.deepEqual(await keyportJson(['server', 'list'], env), []);
  });

  test('adds one server by host/port/key and one by its ~/.ssh/config alias, each after accepting its fingerprint', async () => {
    const added = await keyport(
      ['server', 'add', 'alpha', '--host', '127.0.0.1', '--port', String(alpha.sshPort), '--key', alpha.clientKeyPath,
        '--accept-host-key', alpha.hostKeyFingerprint],
      env,
    );
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout + added.stderr, new RegExp(alpha.hostKeyFingerprint.replace(/[+/]/g, '\\$&')));
    const byAlias = await keyport(['server', 'add', 'beta', '--alias', 'beta-vps', '--accept-host-key', beta.hostKeyFingerprint], env);
    assert.equal(byAlias.code, 0, byAlias.stderr);
    const servers = await keyportJson<{ name: string; target: { port: number }; hostKeyFingerprint: string }[]>(['server', 'list'], env);
    assert.deepEqual(servers.map((server) => [server.name, server.target.port, server.hostKeyFingerprint]).sort(), [
      ['alpha', alpha.sshPort, alpha.hostKeyFingerprint],
      ['beta', beta.sshPort, beta.hostKeyFingerprint],
    ]);
  });

  test('deploys the agent onto both servers with progress, and both report online', async () => {
    for (const name of ['alpha', 'beta']) {
      const deployed = await keyport(['server', 'deploy', name], env);
      assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
      assert.match(deployed.stdout, /upload-runtime/);
      assert.match(deployed.stdout, /health-check/);
      const status = await keyportJson<{ state: string; xrayVersion: string | null }>(['server', 'status', name], env);
      assert.equal(status.state, 'online');
      assert.match(status.xrayVersion ?? '', /\d+\.\d+/);
    }
    const agentKey = alpha.exec('cat', ['/var/lib/keyport/api-key']).trim();
    const localFiles = readdirSync(env.KEYPORT_HOME!, { recursive: true, encoding: 'utf8' }).map((file) => join(env.KEYPORT_HOME!, file));
    assert.ok(localFiles.some((file) => file.endsWith('.sqlite')), 'the cache file is there');
    for (const file of localFiles.filter((path) => statSync(path).isFile())) {
      assert.ok(!readFileSync(file).includes(agentKey), `the agent API key is not stored in ${file}`);
    }
  });

  test('creates keys on each server, reads their vless:// configs, disables and enables one', async () => {
    for (const [server, name] of [['alpha', 'alice'], ['beta', 'bob']] as const) {
      const key = await keyportJson<{ id: string; port: number; name: string; is_active: boolean }>(['keys', 'create', server, name], env);
      assert.equal(key.name, name);
      assert.equal(key.is_active, true);
      createdKeys[server] = key;
      const config = await keyportJson<{ source: string; data: { vless_url: string } }>(['keys', 'config', server, key.id], env);
      assert.equal(config.source, 'live');
      assert.match(config.data.vless_url, new RegExp(`^vless://[0-9a-f-]+@127\\.0\\.0\\.1:${key.port}\\?`));
    }
    const listed = await keyportJson<{ data: { name: string }[] }>(['keys', 'list', 'alpha'], env);
    assert.deepEqual(listed.data.map((key) => key.name), ['alice']);

    const disabled = await keyport(['keys', 'disable', 'alpha', 'alice'], env);
    assert.equal(disabled.code, 0, disabled.stderr);
    const afterDisable = await keyportJson<{ data: { is_active: boolean }[] }>(['keys', 'list', 'alpha'], env);
    assert.equal(afterDisable.data[0]!.is_active, false);
    assert.equal((await keyport(['keys', 'enable', 'alpha', 'alice'], env)).code, 0);
    const afterEnable = await keyportJson<{ data: { is_active: boolean }[] }>(['keys', 'list', 'alpha'], env);
    assert.equal(afterEnable.data[0]!.is_active, true);
  });

  test('install-xray installs a checked release; the Xray already running keeps running until it next starts', async () => {
    const xrayPid = readFileSync(alpha.hostPath('/var/lib/keyport/xray.pid'), 'utf8').trim();
    releases.publish('9.9.9');
    const installed = await keyport(['server', 'install-xray', 'alpha', '--version', 'v9.9.9', '--releases-url', releases.url, '--json'], env);
    assert.equal(installed.code, 0, installed.stdout + installed.stderr);
    assert.deepEqual(JSON.parse(installed.stdout), {
      xrayVersion: '9.9.9',
      binaryPath: '/usr/local/bin/xray',
      versionSupport: { version: '9.9.9', support: 'ok', minimum: '1.8.12', checked: '26.7.28' },
    });
    // With --json the progress comes as JSON lines on stderr.
    const progress = installed.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { step: string; state: string; message: string });
    assert.deepEqual(progress.map(({ step, state }) => `${step}:${state}`), [
      'connect:started', 'connect:done', 'detect:started', 'detect:done',
      'download-xray:started', 'download-xray:done', 'install-xray:started', 'install-xray:done',
    ]);
    assert.match(progress.at(-1)!.message, /^Xray 9\.9\.9 at \/usr\/local\/bin\/xray; geoip\.dat, geosite\.dat in \/usr\/local\/share\/xray; /);
    assert.match(progress.at(-1)!.message, /; the agent's Xray was already running: it keeps the old binary until it is next started$/);

    assert.equal(readFileSync(alpha.hostPath('/var/lib/keyport/xray.pid'), 'utf8').trim(), xrayPid);
    assert.doesNotThrow(() => process.kill(Number(xrayPid), 0), 'the Xray that served the keys serves on');

    // The agent asks the binary on disk for its version (the first line of `xray version`).
    const status = await keyportJson<{ state: string; xrayVersion: string | null }>(['server', 'status', 'alpha'], env);
    assert.equal(status.state, 'online');
    assert.equal(status.xrayVersion, '9.9.9');
  });

  test('install-xray refuses an archive whose SHA2-256 differs from its .dgst, and the installed Xray stays', async () => {
    const claimed = '0'.repeat(64);
    const zip = releases.publish('9.9.10', { sha256: claimed });
    const refused = await keyport(['server', 'install-xray', 'alpha', '--version', 'v9.9.10', '--releases-url', releases.url, '--json'], env);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    const { error } = JSON.parse(refused.stdout) as { error: { code: string; message: string; facts: Record<string, unknown> } };
    assert.equal(error.code, 'deploy-failed');
    assert.match(error.message, /refused, nothing on the server was changed/);
    assert.deepEqual(error.facts, { expected: claimed, actual: createHash('sha256').update(zip).digest('hex'), step: 'download-xray' });
    const status = await keyportJson<{ xrayVersion: string | null }>(['server', 'status', 'alpha'], env);
    assert.equal(status.xrayVersion, '9.9.9');
  });

  test('keyport tunnel opens a local port forward that curl can use with the printed API key', async () => {
    const tunnel = spawn(resolve(REPO, 'bin/keyport'), ['tunnel', 'alpha', '--json'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const opened = await new Promise<{ url: string; apiKey: string }>((done, fail) => {
        let stdout = '';
        tunnel.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('}')) done(JSON.parse(stdout));
        });
        tunnel.once('exit', (code) => fail(new Error(`keyport tunnel exited ${code}`)));
      });
      assert.match(opened.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const listed = JSON.parse(execFileSync('curl', ['-sf', '-H', `X-API-Key: ${opened.apiKey}`, `${opened.url}/api/keys`], { encoding: 'utf8' }));
      assert.deepEqual(listed.map((key: { name: string }) => key.name), ['alice']);
      const refused = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${opened.url}/api/keys`], { encoding: 'utf8' });
      assert.equal(refused.stdout, '401');
    } finally {
      const exited = new Promise((done) => tunnel.once('exit', done));
      tunnel.kill('SIGINT');
      await exited;
    }
  });

  test('bytes sent through a key port show up in live traffic and history through the tunnel', async () => {
    const key = createdKeys.alpha!;
    const history = await moveBytesThenHistory(alpha, 'alpha', key, env);
    assert.ok(history!.data.total_traffic.rx_bytes >= 30_000, JSON.stringify(history));
    assert.ok(history!.data.total_traffic.tx_bytes >= 70_000, JSON.stringify(history));
    const monthly = await keyportJson<{ source: string; data: { total_traffic_bytes: number } }>(['traffic', 'monthly', 'alpha'], env);
    assert.equal(monthly.source, 'live');
    assert.ok(monthly.data.total_traffic_bytes >= 100_000);
    const live = await keyportJson<{ data: { ports: Record<string, { rx_bytes: number }> } }>(['traffic', 'live', 'alpha'], env);
    assert.ok(live.data.ports[String(key.port)]!.rx_bytes >= 30_000);
    const today = new Date().toISOString().slice(0, 10);
    const byKey = await keyportJson<{ data: { date: string; keys: Record<string, { rx_bytes: number; tx_bytes: number }> } }>(['traffic', 'daily', 'alpha', '--keys'], env);
    assert.equal(byKey.data.date, today);
    assert.ok(byKey.data.keys[key.id]!.rx_bytes >= 30_000 && byKey.data.keys[key.id]!.tx_bytes >= 70_000, JSON.stringify(byKey.data));
  });

  test('with alpha offline its history, keys and configs come from the cache with their sync time; writes fail clearly; beta is unaffected', async () => {
    const key = createdKeys.alpha!;
    const online = await keyportJson<{ data: unknown; syncedAt: string }>(['traffic', 'history', 'alpha', key.id], env);
    const synced = await keyport(['server', 'sync', 'alpha'], env);
    assert.equal(synced.code, 0, synced.stderr);
    await alpha.stopSshd();
    try {
      const cached = await keyport(['traffic', 'history', 'alpha', key.id, '--json'], env, 60_000);
      assert.equal(cached.code, 0, cached.stderr);
      const body = JSON.parse(cached.stdout) as { source: string; data: unknown; syncedAt: string };
      assert.equal(body.source, 'cache');
      assert.deepEqual(body.data, online.data);
      assert.ok(Date.parse(body.syncedAt) >= Date.parse(online.syncedAt));
      const human = await keyport(['traffic', 'history', 'alpha', key.id], env, 60_000);
      assert.equal(human.code, 0);
      assert.match(human.stderr, /offline.*last synced/i);

      // `traffic daily` and `traffic history` (all keys) were never asked for: the sync cached them.
      const today = new Date().toISOString().slice(0, 10);
      for (const read of [['keys', 'list', 'alpha'], ['keys', 'config', 'alpha', key.id], ['traffic', 'monthly', 'alpha'], ['traffic', 'daily', 'alpha', today], ['traffic', 'daily', 'alpha', today, '--keys'], ['traffic', 'history', 'alpha']]) {
        const fromCache = await keyportJson<{ source: string }>(read, env);
        assert.equal(fromCache.source, 'cache', read.join(' '));
      }
      const write = await keyport(['keys', 'create', 'alpha', 'carol'], env, 60_000);
      assert.equal(write.code, 3, write.stderr);
      assert.match(write.stderr, /offline/i);
      const betaKeys = await keyportJson<{ source: string }>(['keys', 'list', 'beta'], env);
      assert.equal(betaKeys.source, 'live');
    } finally {
      alpha.startSshd();
    }
  });

  test('an upgrade to a broken agent release is rolled back and the previous release keeps serving', async () => {
    const broken = join(scratch, 'broken-agent.mjs');
    writeFileSync(broken, "console.error('this release is broken'); process.exit(1);\n");
    const upgrade = await keyport(['server', 'deploy', 'beta'], { ...env, KEYPORT_AGENT_BUNDLE: broken });
    assert.notEqual(upgrade.code, 0);
    assert.match(upgrade.stdout + upgrade.stderr, /roll(ed)? back/i);
    const keys = await keyportJson<{ source: string; data: { name: string }[] }>(['keys', 'list', 'beta'], env);
    assert.equal(keys.source, 'live');
    assert.deepEqual(keys.data.map((key) => key.name), ['bob']);
  });

  test('deletes a key', async () => {
    assert.equal((await keyport(['keys', 'delete', 'beta', createdKeys.beta!.id, '--yes'], env)).code, 0);
    const keys = await keyportJson<{ data: unknown[] }>(['keys', 'list', 'beta'], env);
    assert.deepEqual(keys.data, []);
  });

  test('keys create-many makes 250 keys from a CSV; a name the server has stops a list before anything is made, or is skipped', async () => {
    type Listed = { data: { name: string; port: number }[] };
    const names = Array.from({ length: 250 }, (_, index) => `bulk-${index + 1}`);
    const csv = join(scratch, 'people.csv');
    writeFileSync(csv, `email;name\r\n${names.map((name) => `${name}@example.com;${name}`).join('\r\n')}\r\n`);
    const before = (await keyportJson<Listed>(['keys', 'list', 'alpha'], env)).data.map((key) => key.name);
    const made = await keyport(['keys', 'create-many', 'alpha', '--from', csv], env);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /^Created 250 keys on alpha \(ports \d+-\d+\)\./);
    assert.match(made.stderr, /\] 250\/250 keys\n$/);
    const listed = await keyportJson<Listed>(['keys', 'list', 'alpha'], env);
    assert.deepEqual(listed.data.map((key) => key.name).sort(), [...before, ...names].sort());
    assert.equal(new Set(listed.data.map((key) => key.port)).size, before.length + 250);

    const taken = join(scratch, 'taken.txt');
    writeFileSync(taken, 'fresh-1\nfresh-2\nBULK-7\n');
    const refused = await keyport(['keys', 'create-many', 'alpha', '--from', taken], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /nothing was created/);
    assert.match(refused.stderr, /^keyport: .*taken\.txt, line 3: name 3 of 3 \("BULK-7"\)/);
    assert.equal((await keyportJson<Listed>(['keys', 'list', 'alpha'], env)).data.length, before.length + 250);

    const skipped = await keyportJson<{ created: { name: string }[]; skipped: string[] }>(['keys', 'create-many', 'alpha', '--from', taken, '--skip-existing'], env);
    assert.deepEqual(skipped.created.map((key) => key.name), ['fresh-1', 'fresh-2']);
    assert.deepEqual(skipped.skipped, ['BULK-7']);
    assert.equal((await keyportJson<Listed>(['keys', 'list', 'alpha'], env)).data.length, before.length + 252);
  });

  test('a server whose host key changed is refused with both fingerprints named', async () => {
    const accepted = beta.hostKeyFingerprint;
    beta.replaceHostKey();
    const result = await keyport(['keys', 'list', 'beta'], env);
    assert.notEqual(result.code, 0);
    assert.ok(result.stderr.includes(accepted), result.stderr);
    assert.ok(result.stderr.includes(beta.hostKeyFingerprint), result.stderr);
    assert.ok(result.stderr.includes(`keyport server trust beta --accept-host-key ${beta.hostKeyFingerprint}`), result.stderr);
    const status = await keyportJson<{ state: string; hostKeyChange: { accepted: string; presented: string } }>(['server', 'status', 'beta'], env);
    assert.equal(status.state, 'host-key-changed');
    assert.deepEqual([status.hostKeyChange.accepted, status.hostKeyChange.presented], [accepted, beta.hostKeyFingerprint]);
  });

  test('server trust accepts only the key the server presents now, and beta keeps its record and works again', async () => {
    type Listed = { id: string; name: string; addedAt: string; lastSyncedAt: string | null; hostKeyFingerprint: string };
    const before = (await keyportJson<Listed[]>(['server', 'list'], env)).find((server) => server.name === 'beta')!;
    const wrong = await keyport(['server', 'trust', 'beta', '--accept-host-key', 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'], env);
    assert.equal(wrong.code, 4, wrong.stderr);
    assert.ok(wrong.stderr.includes(beta.hostKeyFingerprint), wrong.stderr);
    assert.equal((await keyport(['server', 'trust', 'beta'], env)).code, 2, 'no fingerprint is a usage error');
    assert.equal((await keyport(['keys', 'list', 'beta'], env)).code, 4, 'still refused');

    const trusted = await keyport(['server', 'trust', 'beta', '--accept-host-key', beta.hostKeyFingerprint], env);
    assert.equal(trusted.code, 0, trusted.stderr);
    const after = (await keyportJson<Listed[]>(['server', 'list'], env)).find((server) => server.name === 'beta')!;
    assert.deepEqual(after, { ...before, hostKeyFingerprint: beta.hostKeyFingerprint });
    assert.notEqual(before.lastSyncedAt, null, 'the cache of beta was kept, not made anew');
    const created = await keyportJson<{ name: string }>(['keys', 'create', 'beta', 'dave'], env);
    assert.equal(created.name, 'dave');
    const keys = await keyportJson<{ source: string; data: { name: string }[] }>(['keys', 'list', 'beta'], env);
    assert.deepEqual([keys.source, keys.data.map((key) => key.name)], ['live', ['dave']]);
  });

  test('uninstall removes the agent and its chains and keeps the data when asked', async () => {
    const removed = await keyport(['server', 'uninstall', 'alpha'], env);
    assert.equal(removed.code, 0, removed.stdout + removed.stderr);
    assert.doesNotMatch(alpha.exec('iptables', ['-S']), /KEYPORT/);
    assert.doesNotMatch(alpha.exec('iptables', ['-t', 'mangle', '-S']), /KEYPORT/);
    assert.doesNotMatch(alpha.exec('ipset', ['list', '-n']), /keyport-/);
    assert.equal(alpha.exec('sh', ['-c', 'test -d /opt/keyport && echo present || echo gone']).trim(), 'gone');
    assert.equal(alpha.exec('sh', ['-c', 'test -f /var/lib/keyport/api-key && echo kept || echo gone']).trim(), 'kept');
  });
});
