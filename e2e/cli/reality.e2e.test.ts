import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestCertificates } from '../../test-support/test-tls-sites.ts';
import { TestServer } from '../harness/test-server.ts';
import { keyport, keyportJson } from '../support/keyport-cli.ts';

const REPO = resolve(import.meta.dirname, '../..');

// A TLS site on the server's own loopback (inside its namespace): TLS 1.3, X25519, h2, a certificate
// for good.test from a CA the server does not trust.
const SITE = `
const { createServer } = require('node:tls');
const { readFileSync } = require('node:fs');
const [cert, key] = process.argv.slice(1);
const server = createServer({ cert: readFileSync(cert), key: readFileSync(key), ALPNProtocols: ['h2', 'http/1.1'] }, (socket) => socket.end());
server.on('tlsClientError', () => undefined);
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

/**
 * The Reality target and names through the CLI, end to end: set at deploy, read and changed with
 * `server reality`, followed by keys' links, and probed from the server itself by `--verify`.
 */
describe('keyport server reality against a test server', { timeout: 300_000 }, () => {
  let server: TestServer;
  let scratch: string;
  let certs: TestCertificates;
  let site: ChildProcess;
  let target: string;
  let env: Record<string, string>;

  before(async () => {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
    server = await TestServer.create(await freePort());
    scratch = mkdtempSync(join(tmpdir(), 'keyport-e2e-reality-'));
    const home = join(scratch, 'home');
    mkdirSync(home, { recursive: true });
    env = { HOME: home, KEYPORT_HOME: join(scratch, 'keyport'), SSH_AUTH_SOCK: '' };
    certs = new TestCertificates();
    const leaf = certs.leaf('site', ['good.test', 'other.test']);
    writeFileSync(join(scratch, 'site.pem'), leaf.cert);
    writeFileSync(join(scratch, 'site.key'), leaf.key);
    site = spawn('ip', ['netns', 'exec', server.namespace, process.execPath, '-e', SITE, join(scratch, 'site.pem'), join(scratch, 'site.key')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((done, fail) => {
      site.once('exit', (code) => fail(new Error(`the TLS site exited with ${code}`)));
      site.stdout!.once('data', (chunk: Buffer) => done(Number(chunk.toString().trim())));
    });
    target = `127.0.0.1:${port}`;
    const added = await keyport(
      ['server', 'add', 'alpha', '--host', '127.0.0.1', '--port', String(server.sshPort), '--key', server.clientKeyPath, '--accept-host-key', server.hostKeyFingerprint],
      env,
    );
    assert.equal(added.code, 0, added.stderr);
  });

  after(async () => {
    if (site && site.exitCode === null) site.kill();
    await server?.destroy();
    certs?.dispose();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('a bad --reality-target is refused before anything is done', async () => {
    const run = await keyport(['server', 'deploy', 'alpha', '--reality-target', 'good.test'], env);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--reality-target: must be HOST:PORT/);
    const [listed] = await keyportJson<{ agent: unknown }[]>(['server', 'list'], env);
    assert.equal(listed!.agent, null, 'nothing was deployed');
  });

  test('deploy sets the target and names once the agent is healthy; keys\' links carry the first name', async () => {
    const run = await keyport(['server', 'deploy', 'alpha', '--reality-target', target, '--reality-server-names', 'good.test,other.test'], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`\\[settings\\] setting reality_target ${target}, reality_server_names good.test,other.test\\n`));
    assert.match(run.stdout, /\[settings\] the agent applied them to Xray/);
    const settings = await keyportJson<{ data: { reality_target: string; reality_server_names: string[] } }>(['server', 'reality', 'alpha'], env);
    assert.equal(settings.data.reality_target, target);
    assert.deepEqual(settings.data.reality_server_names, ['good.test', 'other.test']);
    assert.equal((await keyport(['keys', 'create', 'alpha', 'alice'], env)).code, 0);
    const config = await keyportJson<{ data: { vless_url: string } }>(['keys', 'config', 'alpha', 'alice'], env);
    assert.equal(new URL(config.data.vless_url).searchParams.get('sni'), 'good.test');
  });

  test('--verify probes the target from the server: every TLS step passes, the untrusted certificate is named', async () => {
    const run = await keyport(['server', 'reality', 'alpha', '--verify', '--json'], env);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { valid: boolean; checks: { name: string; ok: boolean; server_name: string | null; detail: string }[] };
    assert.equal(report.valid, false);
    const failed = report.checks.filter((check) => !check.ok);
    assert.deepEqual(failed.map((check) => [check.name, check.server_name]), [['certificate', 'good.test'], ['certificate', 'other.test']]);
    assert.match(failed[0]!.detail, new RegExp(`^${target}'s certificate for good.test is not signed by an authority this server trusts`));
    for (const name of ['target_connect', 'tls_version', 'x25519', 'alpn_h2']) {
      assert.ok(report.checks.some((check) => check.name === name && check.ok), `${name} passed`);
    }
  });

  test('server reality --server-names changes the names, and the key\'s link follows', async () => {
    const run = await keyport(['server', 'reality', 'alpha', '--server-names', 'other.test'], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /Keys' links now carry sni=other\.test/);
    const config = await keyportJson<{ data: { vless_url: string } }>(['keys', 'config', 'alpha', 'alice'], env);
    assert.equal(new URL(config.data.vless_url).searchParams.get('sni'), 'other.test');
  });
});
