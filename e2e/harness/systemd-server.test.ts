import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { SystemdServer, systemdServerSkipReason } from './systemd-server.ts';

/** Proves the harness: systemd as PID 1, SSH with known keys, a reboot that is one, and nothing left after. */
describe('a test server with systemd as PID 1', { timeout: 120_000, skip: systemdServerSkipReason() }, () => {
  let server: SystemdServer;
  let knownHosts: string;

  before(async () => {
    server = await SystemdServer.create(await freePort());
    knownHosts = join(server.dir, 'known_hosts');
    const hostKey = readFileSync(join(server.root, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(knownHosts, `[127.0.0.1]:${server.sshPort} ${hostKey}\n`);
  });
  after(async () => server?.destroy());

  const ssh = (command: string) =>
    execFileSync('ssh', ['-i', server.clientKeyPath, '-p', String(server.sshPort), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'LogLevel=ERROR', 'root@127.0.0.1', command], { encoding: 'utf8', timeout: 20_000 });

  test('boots to running with systemd as PID 1, and root logs in over SSH with the known host key', () => {
    assert.equal(ssh('cat /proc/1/comm; systemctl is-system-running'), 'systemd\nrunning\n');
    assert.equal(server.exec('systemctl', ['is-enabled', 'ssh.service']).trim(), 'enabled');
  });

  test('a reboot ends every process and the firewall, keeps the disk, and starts what is enabled', async () => {
    server.exec('systemd-run', ['--unit=keyport-marker', 'sleep', '3600']);
    server.exec('iptables', ['-N', 'KEYPORT_MARKER']);
    server.exec('sh', ['-c', 'echo kept > /root/marker']);
    await server.reboot();

    assert.equal(server.bootTimesMs.length, 2);
    assert.equal(server.exec('systemctl', ['is-system-running']).trim(), 'running');
    assert.equal(server.exec('systemctl', ['show', '-P', 'ActiveState', 'keyport-marker.service']).trim(), 'inactive');
    assert.doesNotMatch(server.exec('iptables', ['-S']), /KEYPORT_MARKER/);
    assert.equal(ssh('cat /root/marker'), 'kept\n');
  });

  test('destroy ends the server and leaves no namespace, mount or files', async () => {
    const { namespace, dir, root } = server;
    await server.destroy();
    assert.ok(!existsSync(`/run/netns/${namespace}`));
    assert.ok(!readFileSync('/proc/mounts', 'utf8').includes(root));
    assert.ok(!existsSync(dir));
  });
});
