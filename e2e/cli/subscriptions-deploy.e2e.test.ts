import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { keyport, keyportJson } from '../support/keyport-cli.ts';
import { decodedLinks } from '../support/subscription-body.ts';

const REPO = resolve(import.meta.dirname, '../..');
// TEST-NET-1 (RFC 5737), only on the veth pair between the server and the client namespace this test makes.
const SERVER_IP = '192.0.2.1';
const CLIENT_IP = '192.0.2.2';
/** Outside the default key ports (10001-29999), the agent's API (8000) and Xray's (10085). */
const SUBSCRIPTION_PORT = 8443;
const CERT_FILE = '/var/lib/keyport/subscription-tls-cert.pem';
const KEY_FILE = '/var/lib/keyport/subscription-tls-key.pem';

interface KeyJson {
  id: string;
  name: string;
  subscription_url: string | null;
}

interface Fetched {
  status?: number;
  body?: string;
  userinfo?: string;
  error?: string;
}

/**
 * One GET from the client namespace, i.e. from outside the server, across the server's firewall:
 * the subscription URL's path at the server's veth address, over HTTPS with `ca` pinned when given.
 */
function fetchFromClient(client: string, url: string, ca?: string): Promise<Fetched> {
  const script = `
    const [url, address, ca] = JSON.parse(process.argv[1]);
    const target = new URL(url);
    const lib = require(target.protocol === 'https:' ? 'node:https' : 'node:http');
    const options = { host: address, port: target.port, path: target.pathname + target.search, timeout: 4000 };
    if (ca) options.ca = ca;
    const print = (answer) => { process.stdout.write(JSON.stringify(answer)); process.exit(0); };
    const request = lib.get(options, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => print({ status: response.statusCode, body: Buffer.concat(chunks).toString('utf8'), userinfo: response.headers['subscription-userinfo'] }));
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })));
    request.on('error', (error) => print({ error: error.code || error.message }));
  `;
  return new Promise((resolvePromise, reject) => {
    execFile('ip', ['netns', 'exec', client, process.execPath, '-e', script, JSON.stringify([url, SERVER_IP, ca ?? null])], { timeout: 15_000, encoding: 'utf8' }, (error, stdout) =>
      error ? reject(error) : resolvePromise(JSON.parse(stdout) as Fetched),
    );
  });
}

/**
 * Subscriptions turned on, changed and off by `keyport server deploy` against a test server whose
 * iptables INPUT drops what it does not accept, fetched from a client namespace across a veth pair:
 * plain HTTP, a refused certificate that leaves the server as it was, HTTPS with a certificate the
 * test makes (and pins), a redeploy and an upgrade that keep it, and --no-subscriptions closing the port.
 */
describe('keyport server deploy --subscriptions', { timeout: 600_000 }, () => {
  let server: TestServer;
  let client: string;
  let scratch: string;
  let env: Record<string, string>;
  let cert: { certFile: string; keyFile: string; pem: string };
  let otherKey: string;
  let tokenPath: string;

  const iptables = (...args: string[]) => server.exec('iptables', ['-w', ...args]);
  const alice = async () => (await keyportJson<{ data: KeyJson[] }>(['keys', 'list', 'srv'], env)).data.find((key) => key.name === 'alice')!;
  const aliceLink = async () => (await keyportJson<{ data: { vless_url: string } }>(['keys', 'config', 'srv', 'alice'], env)).data.vless_url;
  const deploy = async (...args: string[]) => {
    const run = await keyport(['server', 'deploy', 'srv', ...args], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    return run;
  };
  const runScript = () => server.exec('cat', ['/opt/keyport/current/run']);
  /** What a refused deploy must leave as it was: the release, its run script, the running agent, the files, the firewall. */
  const serverState = () => ({
    current: server.exec('readlink', ['/opt/keyport/current']),
    run: server.exec('sha256sum', ['/opt/keyport/current/run']),
    agentPid: server.exec('cat', ['/var/lib/keyport/agent.pid']),
    files: server.exec('ls', ['-A', '/var/lib/keyport', '/opt/keyport']),
    firewall: iptables('-S'),
  });
  const connectsFromClient = (port: number) =>
    spawnSync('ip', ['netns', 'exec', client, 'socat', '-T1', '/dev/null', `TCP:${SERVER_IP}:${port},connect-timeout=2`], { timeout: 10_000 }).status === 0;

  before(async () => {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
    server = await TestServer.create(await freePort());
    client = `${server.namespace}-client`;
    execFileSync('ip', ['netns', 'add', client]);
    execFileSync('ip', ['link', 'add', 'kpsub0', 'netns', server.namespace, 'type', 'veth', 'peer', 'name', 'kpsub1', 'netns', client]);
    server.exec('ip', ['addr', 'add', `${SERVER_IP}/30`, 'dev', 'kpsub0']);
    server.exec('ip', ['link', 'set', 'kpsub0', 'up']);
    execFileSync('ip', ['netns', 'exec', client, 'ip', 'addr', 'add', `${CLIENT_IP}/30`, 'dev', 'kpsub1']);
    execFileSync('ip', ['netns', 'exec', client, 'ip', 'link', 'set', 'kpsub1', 'up']);
    // A VPS as admins lock it down: loopback and answers accepted, everything else dropped.
    iptables('-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT');
    iptables('-A', 'INPUT', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');
    iptables('-P', 'INPUT', 'DROP');

    scratch = mkdtempSync(join(tmpdir(), 'keyport-e2e-subdeploy-'));
    env = { HOME: scratch, KEYPORT_HOME: join(scratch, 'keyport'), SSH_AUTH_SOCK: '' };
    const certFile = join(scratch, 'sub.crt');
    const keyFile = join(scratch, 'sub.key');
    const openssl = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=keyport-e2e'];
    // Named by the links' host (the test server is reached as 127.0.0.1) and by the address the client fetches from.
    execFileSync('openssl', [...openssl, '-keyout', keyFile, '-out', certFile, '-addext', `subjectAltName=IP:127.0.0.1,IP:${SERVER_IP}`], { stdio: 'ignore' });
    cert = { certFile, keyFile, pem: readFileSync(certFile, 'utf8') };
    otherKey = join(scratch, 'other.key');
    execFileSync('openssl', [...openssl, '-keyout', otherKey, '-out', join(scratch, 'other.crt')], { stdio: 'ignore' });

    const added = await keyport(['server', 'add', 'srv', '--host', '127.0.0.1', '--port', String(server.sshPort), '--key', server.clientKeyPath, '--accept-host-key', server.hostKeyFingerprint], env);
    assert.equal(added.code, 0, added.stderr);
  });

  after(async () => {
    await server?.destroy();
    if (client) spawnSync('ip', ['netns', 'del', client]);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test("plain HTTP: each key gets a subscription_url on the links' host, and a fetch from outside decodes to the key's link", async () => {
    const deployed = await deploy('--subscriptions', String(SUBSCRIPTION_PORT));
    assert.match(deployed.stdout, /^\[subscriptions\] plain HTTP on port 8443 \(http:\/\/127\.0\.0\.1:8443\/sub\/TOKEN\)/m);
    assert.match(deployed.stdout, /^\[host-firewall\] .*; subscription port 8443\/tcp: the agent accepts 8443\/tcp in its chain KEYPORT_OPEN \(v4\)/m);
    assert.match(deployed.stderr, /subscriptions on srv are plain HTTP/);
    assert.match(runScript(), / --subscription-listen 0\.0\.0\.0:8443 --subscription-url-base http:\/\/127\.0\.0\.1:8443 /);

    await keyportJson(['keys', 'create', 'srv', 'alice'], env);
    const key = await alice();
    assert.match(key.subscription_url ?? '', /^http:\/\/127\.0\.0\.1:8443\/sub\/[A-Za-z0-9_-]{32}$/);
    tokenPath = new URL(key.subscription_url!).pathname;
    const fetched = await fetchFromClient(client, key.subscription_url!);
    assert.equal(fetched.status, 200, JSON.stringify(fetched));
    assert.deepEqual(decodedLinks(fetched.body), [await aliceLink()]);
    assert.match(fetched.userinfo ?? '', /^upload=0; download=0; total=0; expire=0$/);
  });

  test('a certificate with a key that is not its own is refused before the server is touched', async () => {
    const before = serverState();
    const refused = await keyport(['server', 'deploy', 'srv', '--subscriptions', String(SUBSCRIPTION_PORT), '--subscription-tls-cert', cert.certFile, '--subscription-tls-key', otherKey, '--json'], env);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    const { error } = JSON.parse(refused.stdout) as { error: { code: string; facts: Record<string, unknown> } };
    assert.equal(error.code, 'certificate-refused');
    assert.deepEqual([error.facts.problem, error.facts.file], ['key-mismatch', otherKey]);
    assert.doesNotMatch(refused.stderr, /"step"/, 'no step ran: not even the connect');
    assert.deepEqual(serverState(), before);
    assert.match((await alice()).subscription_url ?? '', /^http:\/\//, 'still plain HTTP as deployed');
  });

  test('with a certificate and key: HTTPS, fetched from outside with that certificate pinned; the key is 0600 on the server', async () => {
    const deployed = await deploy('--subscriptions', String(SUBSCRIPTION_PORT), '--subscription-tls-cert', cert.certFile, '--subscription-tls-key', cert.keyFile);
    assert.match(deployed.stdout, /^\[subscriptions\] HTTPS on port 8443 \(https:\/\/127\.0\.0\.1:8443\/sub\/TOKEN\): certificate CN=keyport-e2e, valid until /m);
    assert.equal(deployed.stderr, '');
    assert.equal(readFileSync(server.hostPath(CERT_FILE), 'utf8'), cert.pem);
    assert.equal(readFileSync(server.hostPath(KEY_FILE), 'utf8'), readFileSync(cert.keyFile, 'utf8'));
    assert.equal(statSync(server.hostPath(KEY_FILE)).mode & 0o777, 0o600);
    assert.equal(statSync(server.hostPath(CERT_FILE)).mode & 0o777, 0o600);

    const key = await alice();
    assert.equal(key.subscription_url, `https://127.0.0.1:8443${tokenPath}`, 'the same token, now over HTTPS');
    const fetched = await fetchFromClient(client, key.subscription_url!, cert.pem);
    assert.equal(fetched.status, 200, JSON.stringify(fetched));
    assert.deepEqual(decodedLinks(fetched.body), [await aliceLink()]);
    assert.match((await fetchFromClient(client, key.subscription_url!)).error ?? '', /SELF_SIGNED|UNABLE_TO_VERIFY/, 'without the pin the certificate is not trusted: it is the one served');
    assert.equal((await fetchFromClient(client, `http://127.0.0.1:8443${tokenPath}`)).status, undefined, 'plain HTTP gets no answer there any more');
  });

  test('a redeploy and an upgrade without subscription flags keep HTTPS with the certificate on the server', async () => {
    const redeployed = await deploy();
    assert.match(redeployed.stdout, /^\[subscriptions\] HTTPS on port 8443 \(https:\/\/127\.0\.0\.1:8443\/sub\/TOKEN\) with the certificate already on the server \(CN=keyport-e2e, valid until /m);
    const releaseBefore = server.exec('readlink', ['/opt/keyport/current']);
    // A new build of the agent: a release of its own, whose run script must carry the flags too.
    const variant = join(scratch, 'keyport-agent.mjs');
    copyFileSync(join(REPO, 'out', 'agent', 'keyport-agent.mjs'), variant);
    appendFileSync(variant, '\n// an upgrade\n');
    const upgraded = await keyport(['server', 'deploy', 'srv'], { ...env, KEYPORT_AGENT_BUNDLE: variant });
    assert.equal(upgraded.code, 0, upgraded.stdout + upgraded.stderr);
    assert.notEqual(server.exec('readlink', ['/opt/keyport/current']), releaseBefore);
    assert.match(runScript(), new RegExp(` --subscription-listen 0\\.0\\.0\\.0:8443 --subscription-tls-cert ${CERT_FILE} --subscription-tls-key ${KEY_FILE} --subscription-url-base https://127\\.0\\.0\\.1:8443 `));
    const key = await alice();
    assert.equal(key.subscription_url, `https://127.0.0.1:8443${tokenPath}`);
    const fetched = await fetchFromClient(client, key.subscription_url!, cert.pem);
    assert.deepEqual(decodedLinks(fetched.body), [await aliceLink()]);
  });

  test('--no-subscriptions: subscription_url is null, the port is closed in the firewall, the certificate and key are gone', async () => {
    const deployed = await deploy('--no-subscriptions');
    assert.match(deployed.stdout, /^\[subscriptions\] skipped: off$/m);
    assert.match(deployed.stdout, /; subscriptions off: the agent's chain KEYPORT_OPEN no longer accepts 8443\/tcp/);
    assert.match(deployed.stdout, /^\[cleanup\] removed .*the subscription certificate and key no longer served$/m);
    assert.equal((await alice()).subscription_url, null);
    assert.doesNotMatch(runScript(), /subscription/);
    assert.doesNotMatch(iptables('-S', 'KEYPORT_OPEN'), /8443/);
    assert.equal(server.exec('sh', ['-c', `ls ${CERT_FILE} ${KEY_FILE} 2>/dev/null || true`]), '');
    assert.equal(connectsFromClient(SUBSCRIPTION_PORT), false);

    // Something else listening there now is dropped from outside: the firewall closed the port, not only the agent its listener.
    const listener = spawn('ip', ['netns', 'exec', server.namespace, 'socat', `TCP-LISTEN:${SUBSCRIPTION_PORT},reuseaddr,fork`, '/dev/null'], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 5_000;
      while (!server.exec('ss', ['-Htln', `sport = :${SUBSCRIPTION_PORT}`]).trim() && Date.now() < deadline) await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
      assert.notEqual(server.exec('ss', ['-Htln', `sport = :${SUBSCRIPTION_PORT}`]).trim(), '', 'the stand-in listener is up');
      assert.equal(connectsFromClient(SUBSCRIPTION_PORT), false, 'dropped by the policy');
      iptables('-I', 'INPUT', '-p', 'tcp', '--dport', String(SUBSCRIPTION_PORT), '-j', 'ACCEPT');
      assert.equal(connectsFromClient(SUBSCRIPTION_PORT), true, 'the positive control: accepted, it answers');
      iptables('-D', 'INPUT', '-p', 'tcp', '--dport', String(SUBSCRIPTION_PORT), '-j', 'ACCEPT');
    } finally {
      listener.kill();
    }
  });
});
