import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Client } from 'ssh2';
import { SystemdService } from '../../src/main/core/deploy/systemd-service.ts';
import { SshRemoteHost } from '../../src/main/core/ssh/ssh-remote-host.ts';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { waitFor } from '../../test-support/wait.ts';
import { SystemdServer, systemdServerSkipReason } from '../harness/systemd-server.ts';

const UNIT = 'keyport-agent.service';
const RUN = '/opt/keyport/current/run';
/**
 * Stands in for a release's `run`: starts a detached child once (as the agent starts Xray), then
 * becomes the service's main process.
 */
const WORKING_RUN = `#!/bin/sh
if ! kill -0 "$(cat /run/stand-in-xray.pid 2>/dev/null)" 2>/dev/null; then
  setsid sleep 3600 </dev/null >/dev/null 2>&1 &
  echo $! > /run/stand-in-xray.pid
fi
exec sleep 3600
`;
/** A release that fails at once, as one with a missing runtime does. */
const FAILING_RUN = '#!/bin/sh\nexit 1\n';

const fingerprintOf = (key: Buffer) => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;

/** SystemdService (the deploy's systemd path) against a real systemd as PID 1, over a real SSH link. */
describe('the agent service as a systemd unit, on systemd', { timeout: 120_000, skip: systemdServerSkipReason() }, () => {
  let server: SystemdServer;
  let client: Client | undefined;
  let service: SystemdService;
  let host: SshRemoteHost;

  const connect = () =>
    new Promise<Client>((resolve, reject) => {
      const fresh = new Client();
      fresh
        .once('ready', () => resolve(fresh))
        .once('error', reject)
        .once('close', () => {
          if (client === fresh) client = undefined;
        })
        .connect({
          host: '127.0.0.1',
          port: server.sshPort,
          username: 'root',
          privateKey: readFileSync(server.clientKeyPath),
          hostVerifier: (key: Buffer) => fingerprintOf(key) === server.hostKeyFingerprint,
          readyTimeout: 10_000,
        });
    });

  before(async () => {
    server = await SystemdServer.create(await freePort());
    host = new SshRemoteHost({
      label: `root@127.0.0.1:${server.sshPort}`,
      user: 'root',
      host: '127.0.0.1',
      asRoot: true,
      connection: async () => (client ??= await connect()),
      openTimeoutMs: 5_000,
    });
    service = new SystemdService(host);
    await host.check(`mkdir -p /opt/keyport/current`);
    await host.writeFile(RUN, WORKING_RUN, 0o755);
  });
  after(async () => {
    client?.end();
    await server?.destroy();
  });

  const state = async () => (await host.check(`systemctl show -P ActiveState ${UNIT}`)).trim();
  const mainPid = async () => (await host.check(`systemctl show -P MainPID ${UNIT}`)).trim();
  const standInXrayAlive = async () => (await host.run('kill -0 "$(cat /run/stand-in-xray.pid)"')).exitCode === 0;

  test('install enables the unit; restart starts the release, and a second restart leaves the detached child serving', async () => {
    await service.install();
    assert.equal((await host.check(`systemctl is-enabled ${UNIT}`)).trim(), 'enabled');
    await service.restart();
    assert.equal(await state(), 'active');
    const first = await mainPid();
    await waitFor('the stand-in Xray', async () => ((await standInXrayAlive()) ? true : undefined));
    const xray = await host.check('cat /run/stand-in-xray.pid');
    await service.restart();
    assert.notEqual(await mainPid(), first);
    assert.ok(await standInXrayAlive(), 'KillMode=process: the child the agent started outlives its restart');
    assert.equal(await host.check('cat /run/stand-in-xray.pid'), xray, 'and it is the same child');
  });

  test('restart starts a fixed release even after a broken one failed so often that systemd would give up on it', async () => {
    await host.writeFile(RUN, FAILING_RUN, 0o755);
    for (let attempt = 0; attempt < 7; attempt += 1) await host.run(`systemctl restart ${UNIT}`);
    await host.writeFile(RUN, WORKING_RUN, 0o755);
    await service.restart();
    assert.equal(await state(), 'active');
  });

  test('exitedSinceRestart: false while the release runs, true once it failed and systemd restarted it, false after the next restart', async () => {
    await service.restart();
    assert.equal(await service.exitedSinceRestart(), false);
    await host.writeFile(RUN, FAILING_RUN, 0o755);
    await service.restart();
    await waitFor('systemd to restart the failing release', async () => ((await service.exitedSinceRestart()) ? true : undefined));
    await host.writeFile(RUN, WORKING_RUN, 0o755);
    await service.restart();
    assert.equal(await service.exitedSinceRestart(), false, 'an explicit restart starts the count afresh');
  });

  test('after a reboot systemd starts the agent by itself', async () => {
    client?.end();
    client = undefined;
    await server.reboot();
    await waitFor('the unit to be active', async () => ((await state()) === 'active' ? true : undefined), 20_000);
  });

  test('remove stops and disables the unit and deletes its file', async () => {
    await service.remove();
    assert.notEqual(await state(), 'active');
    assert.equal((await host.run(`test -e /etc/systemd/system/${UNIT}`)).exitCode, 1);
    const enabled = await host.run(`systemctl is-enabled ${UNIT}`);
    assert.notEqual(enabled.exitCode, 0, enabled.stdout);
  });
});
