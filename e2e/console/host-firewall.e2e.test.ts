import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../remote-agent/test/support/tcp-traffic.ts';
import type { DeployProgress } from '../../src/shared/contract/deploy.ts';
import { openKeyportCore, type KeyportCore } from '../../src/main/core/keyport-core.ts';
import { TestServer } from '../harness/test-server.ts';

const REPO = resolve(import.meta.dirname, '../..');
// TEST-NET-1 (RFC 5737): never routed anywhere, and only inside the two namespaces this test makes.
const SERVER_IP = '192.0.2.1';
const CLIENT_IP = '192.0.2.2';
const RECORDS = '/var/lib/fake-firewall';

// Stand-ins for ufw 0.36 and firewall-cmd 1.x in the server's own /usr/local/bin: they record their
// arguments and answer as the real tools do (root only, "Status: active", "Rule added", "success").
const FAKE_UFW = `#!/bin/sh
if [ "$(id -u)" != 0 ]; then echo "ERROR: You need to be root to run this script" >&2; exit 1; fi
mkdir -p ${RECORDS} && printf '%s\\n' "$*" >> ${RECORDS}/ufw
case "$1" in
  status) if [ -e ${RECORDS}/ufw-disabled ]; then echo 'Status: inactive'; exit 0; fi
    printf 'Status: active\\n\\nTo                         Action      From\\n--                         ------      ----\\n22/tcp                     ALLOW       Anywhere\\n22/tcp (v6)                ALLOW       Anywhere (v6)\\n' ;;
  allow) printf 'Rule added\\nRule added (v6)\\n' ;;
  delete) printf 'Rule deleted\\nRule deleted (v6)\\n' ;;
  *) echo "ERROR: Invalid syntax" >&2; exit 1 ;;
esac
`;
const FAKE_FIREWALL_CMD = `#!/bin/sh
if [ "$(id -u)" != 0 ]; then echo "Authorization failed." >&2; exit 252; fi
mkdir -p ${RECORDS} && printf '%s\\n' "$*" >> ${RECORDS}/firewall-cmd
case "$*" in
  --state) echo running ;;
  --add-port=*/tcp|--remove-port=*/tcp|"--permanent --add-port="*/tcp|"--permanent --remove-port="*/tcp) echo success ;;
  *) echo "usage: see firewall-cmd man page" >&2; exit 2 ;;
esac
`;

/**
 * Deploy on servers whose own firewall drops incoming connections: a test server (namespace) with
 * iptables INPUT policy DROP reached over a veth pair from a client namespace, an nftables table of
 * the admin's that drops, and stand-in ufw and firewalld. Deploy opens the key port range (or says
 * exactly what to run), and uninstall closes what it opened.
 */
describe('deploy opens the key ports in the host firewall', { timeout: 600_000 }, () => {
  let server: TestServer;
  let client: string;
  let home: string;
  let core: KeyportCore;
  let sudoUser: string;

  const iptables = (...args: string[]) => server.exec('iptables', ['-w', ...args]);
  const connectsFromClient = (port: number) =>
    spawnSync('ip', ['netns', 'exec', client, 'socat', '-T1', '/dev/null', `TCP:${SERVER_IP}:${port},connect-timeout=2`], { timeout: 10_000 }).status === 0;
  const recorded = (tool: string) => {
    const file = server.hostPath(`${RECORDS}/${tool}`);
    return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
  };
  const fake = (tool: string, script: string | null) => {
    const file = server.hostPath(`/usr/local/bin/${tool}`);
    rmSync(server.hostPath(`${RECORDS}/${tool}`), { force: true });
    if (script === null) rmSync(file, { force: true });
    else {
      writeFileSync(file, script);
      chmodSync(file, 0o755);
    }
  };
  const deploy = async (name: string, keyPorts: { from: number; to: number }) => {
    const steps: DeployProgress[] = [];
    const result = await core.deploy.deploy(name, { keyPorts }, (progress) => steps.push(progress));
    const line = steps.find((step) => step.step === 'host-firewall' && step.state !== 'started');
    return { result, firewallLine: line?.message ?? '' };
  };

  before(async () => {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
    server = await TestServer.create(await freePort());
    client = `${server.namespace}-client`;
    execFileSync('ip', ['netns', 'add', client]);
    // A link the server's INPUT sees as a real interface (loopback is accepted first on such hosts).
    execFileSync('ip', ['link', 'add', 'kpfw0', 'netns', server.namespace, 'type', 'veth', 'peer', 'name', 'kpfw1', 'netns', client]);
    server.exec('ip', ['addr', 'add', `${SERVER_IP}/30`, 'dev', 'kpfw0']);
    server.exec('ip', ['link', 'set', 'kpfw0', 'up']);
    execFileSync('ip', ['netns', 'exec', client, 'ip', 'addr', 'add', `${CLIENT_IP}/30`, 'dev', 'kpfw1']);
    execFileSync('ip', ['netns', 'exec', client, 'ip', 'link', 'set', 'kpfw1', 'up']);
    execFileSync('ip', ['netns', 'exec', client, 'ip', 'link', 'set', 'lo', 'up']);
    home = mkdtempSync(join(tmpdir(), 'keyport-hostfw-'));
    core = await openKeyportCore({ home });
    sudoUser = server.addUser('nopasswd');
    for (const [name, user] of [['fw', 'root'], ['fw-sudo', sudoUser]] as const) {
      await core.fleet.add({
        name,
        host: '127.0.0.1',
        port: server.sshPort,
        user,
        auth: { method: 'key', keyPath: server.clientKeyPath },
        acceptedFingerprint: server.hostKeyFingerprint,
      });
    }
  });

  after(async () => {
    await core?.close();
    await server?.destroy();
    if (client) spawnSync('ip', ['netns', 'del', client]);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test('iptables INPUT policy DROP: the key port answers over the veth only after deploy, and not after uninstall', async () => {
    iptables('-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT');
    iptables('-A', 'INPUT', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');
    iptables('-P', 'INPUT', 'DROP');
    const range = { from: 15001, to: 15099 };
    const { result, firewallLine } = await deploy('fw', range);
    assert.match(firewallLine, /iptables INPUT drops/);
    assert.match(firewallLine, /KEYPORT_OPEN/);
    assert.equal(result.hostFirewall?.opened, 'iptables chain KEYPORT_OPEN (v4)');
    assert.deepEqual(result.hostFirewall?.todo, []);
    assert.match(server.exec('cat', ['/opt/keyport/current/run']), /--open-key-ports v4/);

    const key = await core.keys.create('fw', 'alice');
    assert.ok(connectsFromClient(key.port), `key port ${key.port} answers from the client namespace`);
    iptables('-D', 'INPUT', '-p', 'tcp', '-m', 'tcp', '--dport', `${range.from}:${range.to}`, '-j', 'KEYPORT_OPEN');
    assert.equal(connectsFromClient(key.port), false, 'without the accept rule the policy drops it (so the rule is what opened it)');

    // Restarted (as at boot), the agent puts its accept rule back.
    server.exec('sh', ['-c', 'kill "$(cat /var/lib/keyport/agent.pid)"']);
    const deadline = Date.now() + 30_000;
    while (!connectsFromClient(key.port) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(connectsFromClient(key.port), 'the restarted agent opened the range again');

    await core.deploy.uninstall('fw', { keepData: false });
    assert.doesNotMatch(iptables('-S'), /KEYPORT/);
    iptables('-P', 'INPUT', 'ACCEPT');
  });

  test("an nftables table of the admin's that drops: deploy says exactly what to run, and running it opens the port", async () => {
    server.exec('nft', ['add', 'table', 'inet', 'filter']);
    server.exec('nft', ['add', 'chain', 'inet', 'filter', 'input', '{ type filter hook input priority 0; policy drop; }']);
    server.exec('nft', ['add', 'rule', 'inet', 'filter', 'input', 'iif', 'lo', 'accept']);
    server.exec('nft', ['add', 'rule', 'inet', 'filter', 'input', 'ct', 'state', 'established,related', 'accept']);
    try {
      const { result, firewallLine } = await deploy('fw', { from: 15001, to: 15099 });
      const command = 'nft insert rule inet filter input tcp dport 15001-15099 accept';
      assert.deepEqual(result.hostFirewall?.todo, [command]);
      assert.ok(firewallLine.includes(command), firewallLine);
      const key = await core.keys.create('fw', 'bob');
      assert.equal(connectsFromClient(key.port), false);
      server.exec('nft', command.split(' ').slice(1));
      assert.ok(connectsFromClient(key.port), 'the advised rule opens the key port');
      await core.deploy.uninstall('fw', { keepData: false });
    } finally {
      server.exec('nft', ['delete', 'table', 'inet', 'filter']);
    }
  });

  test('ufw active, deploying as a sudo user: the range is allowed with a comment, moved on redeploy, deleted on uninstall or once ufw is off', async () => {
    fake('ufw', FAKE_UFW);
    try {
      const first = await deploy('fw-sudo', { from: 20001, to: 20999 });
      assert.equal(first.result.hostFirewall?.opened, 'ufw allow 20001:20999/tcp comment keyport');
      assert.match(first.firewallLine, /ufw active: ufw: opened 20001-20999\/tcp/);
      assert.doesNotMatch(server.exec('cat', ['/opt/keyport/current/run']), /--open-key-ports/, 'ufw owns the rules');
      await deploy('fw-sudo', { from: 21001, to: 21999 });
      await core.deploy.uninstall('fw-sudo', { keepData: false });
      // Deployed again, then ufw is disabled: the next deploy takes back the rule it had added.
      await deploy('fw-sudo', { from: 21001, to: 21999 });
      writeFileSync(server.hostPath(`${RECORDS}/ufw-disabled`), '');
      const disabled = await deploy('fw-sudo', { from: 21001, to: 21999 });
      assert.match(disabled.firewallLine, /closed 21001-21999\/tcp that an earlier deploy opened in ufw/);
      await core.deploy.uninstall('fw-sudo', { keepData: false });
      assert.deepEqual(recorded('ufw'), [
        'status',
        'allow 20001:20999/tcp comment keyport',
        'status',
        'delete allow 20001:20999/tcp',
        'allow 21001:21999/tcp comment keyport',
        'delete allow 21001:21999/tcp',
        'status',
        'allow 21001:21999/tcp comment keyport',
        'status',
        'delete allow 21001:21999/tcp',
      ]);
    } finally {
      fake('ufw', null);
      rmSync(server.hostPath(`${RECORDS}/ufw-disabled`), { force: true });
    }
  });

  test('firewalld running: the range is added at runtime and permanently (no reload), and removed on uninstall', async () => {
    fake('firewall-cmd', FAKE_FIREWALL_CMD);
    try {
      const { result } = await deploy('fw', { from: 15001, to: 15099 });
      assert.equal(result.hostFirewall?.opened, 'firewall-cmd --add-port=15001-15099/tcp && firewall-cmd --permanent --add-port=15001-15099/tcp');
      await core.deploy.uninstall('fw', { keepData: false });
      assert.deepEqual(recorded('firewall-cmd'), [
        '--state',
        '--add-port=15001-15099/tcp',
        '--permanent --add-port=15001-15099/tcp',
        '--remove-port=15001-15099/tcp',
        '--permanent --remove-port=15001-15099/tcp',
      ]);
    } finally {
      fake('firewall-cmd', null);
    }
  });

  test('a failing ufw is not a failed deploy: the log says what to run', async () => {
    fake('ufw', FAKE_UFW.replace("allow) printf 'Rule added\\nRule added (v6)\\n' ;;", 'allow) echo "ERROR: Could not update running firewall" >&2; exit 1 ;;'));
    try {
      const { result, firewallLine } = await deploy('fw', { from: 15001, to: 15099 });
      assert.equal(result.hostFirewall?.opened, null);
      assert.deepEqual(result.hostFirewall?.todo, ['ufw allow 15001:15099/tcp comment keyport']);
      assert.match(firewallLine, /could not open 15001-15099\/tcp \(ERROR: Could not update running firewall \(exit 1\)\); run as root: ufw allow 15001:15099\/tcp comment keyport/);
      await core.deploy.uninstall('fw', { keepData: false });
      assert.ok(!recorded('ufw').some((line) => line.startsWith('delete')), 'nothing was opened, so nothing is deleted');
    } finally {
      fake('ufw', null);
    }
  });
});
