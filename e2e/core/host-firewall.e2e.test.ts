import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../test-support/tcp-traffic.ts';
import type { DeployProgress } from '../../src/shared/contract/deploy.ts';
import { deployNoteText } from '../../src/shared/i18n/deploy-notes/deploy-note-text.ts';
import { openKeyportCore, type KeyportCore } from '../../src/main/core/keyport-core.ts';
import { startFirewalld, state as firewalldState, type ServerFirewalld } from '../harness/server-firewalld.ts';
import { TestServer } from '../harness/test-server.ts';

/** A step's line as the English deploy log reads it. */
const englishLine = (line: DeployProgress) => deployNoteText(line.notes, 'en');

const REPO = resolve(import.meta.dirname, '../..');
// TEST-NET-1 (RFC 5737): never routed anywhere, and only inside the two namespaces this test makes.
const SERVER_IP = '192.0.2.1';
const CLIENT_IP = '192.0.2.2';
const SERVER_IP6 = '2001:db8::1';
const CLIENT_IP6 = '2001:db8::2';
// ufw's and firewalld's state on the host, which the test servers' private copies must leave as it was.
const HOST_FIREWALL_STATE = ['/etc/ufw', '/etc/default/ufw', '/run/ufw.lock', '/etc/firewalld', '/run/dbus', '/run/firewalld'];

/** Every file under the host's ufw and firewalld paths with its sha256, in one string. */
function hostFirewallState(): string {
  const files = HOST_FIREWALL_STATE.filter((path) => existsSync(path));
  if (files.length === 0) return '';
  const script = 'find "$@" -printf "%y %m %p\\n" | sort; find "$@" -type f -print0 | sort -z | xargs -0 sha256sum';
  return execFileSync('sh', ['-c', script, 'sh', ...files], { encoding: 'utf8' });
}

/**
 * Deploy on servers whose own firewall drops incoming connections: a test server (namespace) with
 * iptables INPUT policy DROP reached over a veth pair from a client namespace, an nftables table of
 * the admin's that drops, Debian's real ufw (its state private to the test server), and Debian's real
 * firewalld on a D-Bus system bus of the test server's own. Deploy opens the key port range (or says exactly what to run), and uninstall closes
 * what it opened.
 */
describe('deploy opens the key ports in the host firewall', { timeout: 900_000 }, () => {
  let server: TestServer;
  let client: string;
  let home: string;
  let core: KeyportCore;
  let sudoUser: string;
  let hostFirewallBefore: string;
  let firewalld: ServerFirewalld | undefined;

  const iptables = (...args: string[]) => server.exec('iptables', ['-w', ...args]);
  const connectsFromClient = (port: number, address = SERVER_IP) =>
    spawnSync('ip', ['netns', 'exec', client, 'socat', '-T1', '/dev/null', `TCP:${address.includes(':') ? `[${address}]` : address}:${port},connect-timeout=2`], { timeout: 10_000 }).status === 0;
  const ufw = (...args: string[]) => server.exec('ufw', args);
  /** Runs `body` with ufw enabled, SSH allowed and `rules` added (each ufw's arguments), and resets ufw after. */
  const withUfw = async (rules: string[][], body: () => Promise<void>) => {
    ufw('allow', '22/tcp');
    for (const rule of rules) ufw(...rule);
    ufw('--force', 'enable');
    try {
      await body();
    } finally {
      ufw('--force', 'reset');
    }
  };
  /** A key made now gets a port of the range that answers; the range is open over IPv6 too, and 19999 outside it stays closed. */
  const assertRangeOpen = async (serverName: string, keyName: string, { from, to }: { from: number; to: number }) => {
    const key = await core.keys.create(serverName, keyName);
    assert.ok(key.port >= from && key.port <= to, `key port ${key.port}`);
    assert.ok(connectsFromClient(key.port), `key port ${key.port} answers from the client namespace`);
    assert.ok(connectsFromClient(to, SERVER_IP6), 'the range is open over IPv6 too');
    assert.equal(connectsFromClient(19999), false, 'a port outside the range stays closed');
    assert.equal(connectsFromClient(19999, SERVER_IP6), false, 'over IPv6 too');
  };
  /** `ufw status`'s rules with comment keyport, spaces squeezed. */
  const keyportRules = () => ufw('status').split('\n').filter((line) => line.includes('# keyport')).map((line) => line.replace(/\s+/g, ' ').trim());
  /** A dual-stack listener in the server on `port` (no key port: the test's own), until the test closes it. */
  const listenInServer = async (port: number) => {
    const listener = spawn('ip', ['netns', 'exec', server.namespace, 'socat', `TCP6-LISTEN:${port},ipv6only=0,reuseaddr,fork`, '/dev/null'], { stdio: 'ignore' });
    const deadline = Date.now() + 5_000;
    while (!server.exec('ss', ['-Htln', `sport = :${port}`]).trim() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    return { close: () => listener.kill() };
  };
  const firewallCmd = (...args: string[]) => server.exec('firewall-cmd', args).trim();
  /** Runs `body` with the real firewalld running in the server, stopped afterwards whatever happens. */
  const withFirewalld = async (body: () => Promise<void>) => {
    firewalld = await startFirewalld(server);
    try {
      await body();
    } finally {
      await firewalld.stop();
      firewalld = undefined;
      // Back to the host's configuration (in place: the server's sessions have this directory bound).
      execFileSync('sh', ['-c', 'rm -rf "$1"/* && cp -a /etc/firewalld/. "$1"/', 'sh', server.hostPath('/etc/firewalld')]);
    }
  };
  const deploy = async (name: string, keyPorts: { from: number; to: number }) => {
    const steps: DeployProgress[] = [];
    const result = await core.deploy.deploy(name, { keyPorts }, (progress) => steps.push(progress));
    const line = steps.find((step) => step.step === 'host-firewall' && step.state !== 'started');
    return { result, firewallLine: line ? englishLine(line) : '' };
  };
  /** Uninstalls, answering with the message of the step that closes the host firewall. */
  const uninstall = async (name: string) => {
    const steps: DeployProgress[] = [];
    await core.deploy.uninstall(name, { keepData: false }, (progress) => steps.push(progress));
    const line = steps.find((step) => step.step === 'remove' && step.state !== 'started');
    return line ? englishLine(line) : '';
  };

  before(async () => {
    assert.ok(existsSync('/usr/sbin/ufw'), "Debian's ufw is installed (scripts/setup.sh installs it)");
    assert.ok(existsSync('/usr/sbin/firewalld'), "Debian's firewalld is installed (scripts/setup.sh installs it)");
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
    server.exec('ip', ['-6', 'addr', 'add', `${SERVER_IP6}/64`, 'dev', 'kpfw0', 'nodad']);
    execFileSync('ip', ['netns', 'exec', client, 'ip', '-6', 'addr', 'add', `${CLIENT_IP6}/64`, 'dev', 'kpfw1', 'nodad']);
    hostFirewallBefore = hostFirewallState();
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
    await firewalld?.stop();
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

  test('iptables INPUT policy DROP and a key port range of one port: the agent\'s accept rule is found (iptables shows it as the port alone)', async () => {
    iptables('-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT');
    iptables('-P', 'INPUT', 'DROP');
    try {
      const { result } = await deploy('fw', { from: 23000, to: 23000 });
      assert.equal(result.hostFirewall?.opened, 'iptables chain KEYPORT_OPEN (v4)');
      assert.deepEqual(result.hostFirewall?.todo, []);
      await uninstall('fw');
    } finally {
      iptables('-P', 'INPUT', 'ACCEPT');
      iptables('-D', 'INPUT', '-i', 'lo', '-j', 'ACCEPT');
    }
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

  test('ufw active (the real ufw), deploying as a sudo user: the range is allowed with comment keyport, kept and moved on redeploy, deleted on uninstall', async () => {
    const outside = await listenInServer(19999);
    const inside = await listenInServer(21999);
    try {
      assert.ok(connectsFromClient(19999), 'without ufw the port outside the range answers');
      // As an admin sets ufw up: SSH first, then deny incoming by default.
      ufw('allow', '22/tcp');
      ufw('default', 'deny', 'incoming');
      assert.match(ufw('--force', 'enable'), /Firewall is active/);
      assert.equal(connectsFromClient(19999), false, 'ufw drops it now');
      assert.equal(connectsFromClient(21999), false, 'and the key port range too, before deploy');

      const first = await deploy('fw-sudo', { from: 20001, to: 20999 });
      assert.equal(first.result.hostFirewall?.opened, 'ufw allow 20001:20999/tcp comment keyport');
      // ufw's default deny is the DROP policy of INPUT: the log names ufw alone, not a second firewall.
      assert.match(first.firewallLine, /^ufw active: ufw: opened 20001-20999\/tcp .*Rule added \(v6\)/);
      assert.doesNotMatch(server.exec('cat', ['/opt/keyport/current/run']), /--open-key-ports/, 'ufw owns the rules');
      assert.deepEqual(keyportRules(), ['20001:20999/tcp ALLOW Anywhere # keyport', '20001:20999/tcp (v6) ALLOW Anywhere (v6) # keyport']);

      // The same range again: ufw skips the existing rule, and deploy neither fails nor deletes it.
      const again = await deploy('fw-sudo', { from: 20001, to: 20999 });
      assert.equal(again.result.hostFirewall?.opened, 'ufw allow 20001:20999/tcp comment keyport');
      assert.match(again.firewallLine, /Skipping adding existing rule \(v6\)/);
      assert.deepEqual(keyportRules(), ['20001:20999/tcp ALLOW Anywhere # keyport', '20001:20999/tcp (v6) ALLOW Anywhere (v6) # keyport']);

      const moved = await deploy('fw-sudo', { from: 21001, to: 21999 });
      assert.match(moved.firewallLine, /closed 20001-20999\/tcp that an earlier deploy opened in ufw; ufw: opened 21001-21999\/tcp/);
      assert.deepEqual(keyportRules(), ['21001:21999/tcp ALLOW Anywhere # keyport', '21001:21999/tcp (v6) ALLOW Anywhere (v6) # keyport']);
      await assertRangeOpen('fw-sudo', 'carol', { from: 21001, to: 21999 });

      assert.match(await uninstall('fw-sudo'), /ufw: closed 21001-21999\/tcp/);
      assert.deepEqual(keyportRules(), []);
      assert.match(ufw('status'), /^22\/tcp +ALLOW +Anywhere/m, "the admin's rule stays");
      assert.equal(connectsFromClient(21999), false, 'the range is closed again');
    } finally {
      outside.close();
      inside.close();
      ufw('--force', 'reset');
    }
  });

  test("an admin's own ufw rule for the range is left alone: deploy neither takes it over nor deletes it", async () => {
    await withUfw([['allow', '22001:22999/tcp']], async () => {
      // ufw would answer "Rule updated" and put our comment on the admin's rule; uninstall would delete it.
      const { result, firewallLine } = await deploy('fw', { from: 22001, to: 22999 });
      assert.equal(result.hostFirewall?.opened, null);
      assert.deepEqual(result.hostFirewall?.todo, []);
      assert.match(firewallLine, /ufw: 22001-22999\/tcp is already allowed by a rule that is not Keyport's \(ufw allow 22001:22999\/tcp\), left as it is/);
      assert.match(ufw('show', 'added'), /^ufw allow 22001:22999\/tcp$/m);
      assert.doesNotMatch(await uninstall('fw'), /ufw/);
      assert.match(ufw('show', 'added'), /^ufw allow 22001:22999\/tcp$/m, 'still there after uninstall');

      // A rule deploy added that the admin then made their own (another comment) stays too.
      ufw('delete', 'allow', '22001:22999/tcp');
      assert.equal((await deploy('fw', { from: 22001, to: 22999 })).result.hostFirewall?.opened, 'ufw allow 22001:22999/tcp comment keyport');
      assert.match(ufw('allow', '22001:22999/tcp', 'comment', 'mine'), /Rule updated/);
      assert.match(await uninstall('fw'), /no rule for 22001-22999\/tcp with comment keyport was left to close in ufw/);
      assert.match(ufw('show', 'added'), /^ufw allow 22001:22999\/tcp comment 'mine'$/m);
    });
  });

  test('a key port range of one port: ufw is given the port alone (it refuses N:N as a bad port)', async () => {
    await withUfw([], async () => {
      const { result } = await deploy('fw', { from: 23000, to: 23000 });
      assert.equal(result.hostFirewall?.opened, 'ufw allow 23000/tcp comment keyport');
      assert.deepEqual(keyportRules(), ['23000/tcp ALLOW Anywhere # keyport', '23000/tcp (v6) ALLOW Anywhere (v6) # keyport']);
      const key = await core.keys.create('fw', 'dave');
      assert.equal(key.port, 23000);
      assert.ok(connectsFromClient(key.port));
      assert.match(await uninstall('fw'), /ufw: closed 23000\/tcp/);
      assert.deepEqual(keyportRules(), []);
    });
  });

  test('ufw disabled: deploy adds nothing, and takes back the rule an earlier deploy added while it was on', async () => {
    await withUfw([], async () => {
      await deploy('fw-sudo', { from: 21001, to: 21999 });
      assert.equal(keyportRules().length, 2);
      assert.match(ufw('disable'), /Firewall stopped/);
      const disabled = await deploy('fw-sudo', { from: 21001, to: 21999 });
      assert.equal(disabled.result.hostFirewall?.opened, null);
      assert.match(disabled.firewallLine, /closed 21001-21999\/tcp that an earlier deploy opened in ufw/);
      assert.doesNotMatch(ufw('show', 'added'), /keyport/);
      assert.doesNotMatch(await uninstall('fw-sudo'), /ufw/, 'nothing left to close');

      const off = await deploy('fw-sudo', { from: 21001, to: 21999 });
      assert.equal(off.result.hostFirewall?.opened, null);
      assert.doesNotMatch(off.firewallLine, /ufw/);
      assert.doesNotMatch(ufw('show', 'added'), /keyport/);
      await uninstall('fw-sudo');
    });
  });

  test('ufw active: the subscription port is allowed with comment keyport beside the range, and deleted when subscriptions go off or the agent is uninstalled', async () => {
    await withUfw([], async () => {
      const keyPorts = { from: 21001, to: 21999 };
      const withSubscriptions = async (subscriptions: { port: number } | false) => {
        const steps: DeployProgress[] = [];
        const result = await core.deploy.deploy('fw', { keyPorts, subscriptions }, (progress) => steps.push(progress));
        const line = steps.find((step) => step.step === 'host-firewall' && step.state !== 'started');
        return { result, firewallLine: line ? englishLine(line) : '' };
      };
      const rangeRules = ['21001:21999/tcp (v6) ALLOW Anywhere (v6) # keyport', '21001:21999/tcp ALLOW Anywhere # keyport'];
      const portRules = ['8443/tcp (v6) ALLOW Anywhere (v6) # keyport', '8443/tcp ALLOW Anywhere # keyport'];

      const on = await withSubscriptions({ port: 8443 });
      assert.equal(on.result.hostFirewall?.opened, 'ufw allow 21001:21999/tcp comment keyport');
      assert.equal(on.result.subscriptionFirewall?.opened, 'ufw allow 8443/tcp comment keyport');
      assert.match(on.firewallLine, /; subscription port 8443\/tcp: ufw: opened 8443\/tcp \(ufw allow 8443\/tcp comment keyport: Rule added \(v6\)\); uninstall closes it$/);
      assert.deepEqual(keyportRules().sort(), [...rangeRules, ...portRules].sort());
      assert.ok(connectsFromClient(8443), 'the subscription listener answers from the client namespace');

      const off = await withSubscriptions(false);
      assert.match(off.firewallLine, /; subscriptions off: ufw: closed 8443\/tcp$/);
      assert.equal(off.result.subscriptionFirewall, undefined);
      assert.deepEqual(keyportRules().sort(), rangeRules);
      assert.equal(connectsFromClient(8443), false);

      await withSubscriptions({ port: 8443 });
      assert.match(await uninstall('fw'), /^ufw: closed 21001-21999\/tcp; ufw: closed 8443\/tcp; /);
      assert.deepEqual(keyportRules(), []);
    });
  });

  test('firewalld running (the real firewalld 1.3): the range is added at runtime and permanently (no reload), answers over the veth, and is removed on uninstall', async () => {
    await withFirewalld(async () => {
      const outside = await listenInServer(19999);
      const inside = await listenInServer(15099);
      try {
        assert.equal(firewallCmd('--get-default-zone'), 'public');
        assert.equal(firewallCmd('--list-ports'), '');
        // The public zone rejects what it does not allow (ssh, dhcpv6-client).
        assert.equal(connectsFromClient(15099), false, 'firewalld drops the key port range before deploy');

        const { result, firewallLine } = await deploy('fw-sudo', { from: 15001, to: 15099 });
        assert.equal(result.hostFirewall?.opened, 'firewall-cmd --add-port=15001-15099/tcp && firewall-cmd --permanent --add-port=15001-15099/tcp');
        assert.deepEqual(result.hostFirewall?.todo, []);
        // firewalld keeps its rules in its own nftables table: neither iptables nor an nftables drop of the admin's is reported.
        assert.match(firewallLine, /^firewalld running: firewalld: opened 15001-15099\/tcp \(firewall-cmd --add-port=15001-15099\/tcp; firewall-cmd --permanent --add-port=15001-15099\/tcp: success\); uninstall closes it$/);
        assert.doesNotMatch(server.exec('cat', ['/opt/keyport/current/run']), /--open-key-ports/, 'firewalld owns the rules');
        assert.equal(firewallCmd('--list-ports'), '15001-15099/tcp');
        assert.equal(firewallCmd('--permanent', '--list-ports'), '15001-15099/tcp');
        assert.match(readFileSync(server.hostPath('/etc/firewalld/zones/public.xml'), 'utf8'), /<port port="15001-15099" protocol="tcp"\/>/);

        // The same range again is Keyport's own (firewalld warns and succeeds); a new range replaces it.
        const again = await deploy('fw-sudo', { from: 15001, to: 15099 });
        assert.equal(again.result.hostFirewall?.opened, result.hostFirewall?.opened);
        assert.match(again.firewallLine, /--permanent --add-port=15001-15099\/tcp: Warning: ALREADY_ENABLED: 15001-15099:tcp\); uninstall closes it$/);
        const moved = await deploy('fw-sudo', { from: 16001, to: 16099 });
        assert.match(moved.firewallLine, /closed 15001-15099\/tcp that an earlier deploy opened in firewalld; firewalld: opened 16001-16099\/tcp/);
        assert.equal(firewallCmd('--list-ports'), '16001-16099/tcp');
        assert.equal(firewallCmd('--permanent', '--list-ports'), '16001-16099/tcp');
        await deploy('fw-sudo', { from: 15001, to: 15099 });
        assert.equal(firewallCmd('--list-ports'), '15001-15099/tcp');

        await assertRangeOpen('fw-sudo', 'erin', { from: 15001, to: 15099 });

        assert.match(await uninstall('fw-sudo'), /^firewalld: closed 15001-15099\/tcp;/);
        assert.equal(firewallCmd('--list-ports'), '');
        assert.equal(firewallCmd('--permanent', '--list-ports'), '');
        assert.match(firewallCmd('--list-services'), /\bssh\b/, "the zone's own services stay");
        assert.equal(connectsFromClient(15099), false, 'the range is closed again');
        assert.equal(firewalldState(server), 'running');
      } finally {
        outside.close();
        inside.close();
      }
    });
  });

  test('firewalld and a key port range of one port: firewalld takes N-N and lists it as N/tcp, and uninstall removes it', async () => {
    await withFirewalld(async () => {
      const { result } = await deploy('fw', { from: 23000, to: 23000 });
      assert.equal(result.hostFirewall?.opened, 'firewall-cmd --add-port=23000-23000/tcp && firewall-cmd --permanent --add-port=23000-23000/tcp');
      assert.equal(firewallCmd('--list-ports'), '23000/tcp');
      assert.equal(firewallCmd('--permanent', '--list-ports'), '23000/tcp');
      const key = await core.keys.create('fw', 'frank');
      assert.equal(key.port, 23000);
      assert.ok(connectsFromClient(key.port));
      assert.match(await uninstall('fw'), /^firewalld: closed 23000\/tcp;/);
      assert.equal(firewallCmd('--list-ports'), '');
      assert.equal(firewallCmd('--permanent', '--list-ports'), '');
    });
  });

  test("firewalld: an admin's own ports in the range are left alone (firewalld merges ports, so closing the range would close them too)", async () => {
    await withFirewalld(async () => {
      const both = (port: string) => {
        firewallCmd(`--add-port=${port}`);
        firewallCmd('--permanent', `--add-port=${port}`);
      };
      both('15050/tcp');
      // What firewalld itself does with them: one entry, and removing the range takes the admin's port too.
      firewallCmd('--add-port=15001-15099/tcp');
      assert.equal(firewallCmd('--list-ports'), '15001-15099/tcp');
      firewallCmd('--remove-port=15001-15099/tcp');
      assert.equal(firewallCmd('--list-ports'), '');
      firewallCmd('--add-port=15050/tcp');

      const overlapped = await deploy('fw', { from: 15001, to: 15099 });
      const commands = ['firewall-cmd --add-port=15001-15099/tcp', 'firewall-cmd --permanent --add-port=15001-15099/tcp'];
      assert.equal(overlapped.result.hostFirewall?.opened, null);
      assert.deepEqual(overlapped.result.hostFirewall?.todo, commands);
      assert.match(overlapped.firewallLine, /firewalld: ports that are not Keyport's overlap 15001-15099\/tcp \(15050\/tcp\), and firewalld merges ports, so closing the range would close them too: left as they are; run as root: firewall-cmd --add-port=15001-15099\/tcp && firewall-cmd --permanent --add-port=15001-15099\/tcp/);
      assert.doesNotMatch(await uninstall('fw'), /firewalld/, 'nothing was opened, so nothing is closed');
      assert.equal(firewallCmd('--list-ports'), '15050/tcp');
      assert.equal(firewallCmd('--permanent', '--list-ports'), '15050/tcp');

      // Ports of the admin's that cover the range already open it: nothing to do, nothing to close.
      both('22001-22999/tcp');
      const covered = await deploy('fw', { from: 22001, to: 22999 });
      assert.equal(covered.result.hostFirewall?.opened, null);
      assert.deepEqual(covered.result.hostFirewall?.todo, []);
      assert.match(covered.firewallLine, /firewalld: 22001-22999\/tcp is already open by ports that are not Keyport's \(22001-22999\/tcp\), left as they are/);
      assert.doesNotMatch(await uninstall('fw'), /firewalld/);
      assert.equal(firewallCmd('--list-ports'), '15050/tcp 22001-22999/tcp');
      assert.equal(firewallCmd('--permanent', '--list-ports'), '15050/tcp 22001-22999/tcp');
    });
  });

  test('a failing ufw is not a failed deploy: the log says what to run', async () => {
    await withUfw([], async () => {
      // Even root cannot replace an immutable file: the real ufw fails to save the rule.
      server.exec('chattr', ['+i', '/etc/ufw/user.rules']);
      try {
        const { result, firewallLine } = await deploy('fw', { from: 15001, to: 15099 });
        assert.equal(result.hostFirewall?.opened, null);
        assert.deepEqual(result.hostFirewall?.todo, ['ufw allow 15001:15099/tcp comment keyport']);
        assert.match(firewallLine, /could not open 15001-15099\/tcp \(ERROR: '\/etc\/ufw\/user.rules' is not writable \(exit 1\)\); run as root: ufw allow 15001:15099\/tcp comment keyport/);
        assert.doesNotMatch(await uninstall('fw'), /ufw/, 'nothing was opened, so nothing is deleted');
      } finally {
        server.exec('chattr', ['-i', '/etc/ufw/user.rules']);
      }
    });
  });

  test("the host's own ufw and firewalld state and firewall are as they were: both ran only inside the test server", () => {
    assert.equal(hostFirewallState(), hostFirewallBefore);
    for (const tool of ['iptables-save', 'ip6tables-save']) assert.doesNotMatch(execFileSync(tool, { encoding: 'utf8' }), /ufw/, tool);
    assert.doesNotMatch(execFileSync('nft', ['list', 'ruleset'], { encoding: 'utf8' }), /firewalld/, "the host's nftables has no firewalld table");
    assert.notEqual(spawnSync('firewall-cmd', ['--state'], { encoding: 'utf8' }).stdout.trim(), 'running', 'no firewalld answers on the host');
  });
});
