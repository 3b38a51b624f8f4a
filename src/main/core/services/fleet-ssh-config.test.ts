import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { isKeyportError } from '../../../shared/contract/errors.ts';
import { freePort } from '../../../../test-support/tcp-traffic.ts';
import { openTempCache } from '../cache/testing/temp-cache.ts';
import { FleetService } from './fleet-service.ts';
import type { SecretVault } from './secret-vault.ts';
import type { ServerSessions } from './server-sessions.ts';

/** A FleetService whose ~/.ssh/config is `config` (none when undefined), under a HOME of the test's own. */
function fleetWithHome(t: TestContext, config: string | undefined): { fleet: FleetService; home: string } {
  const home = mkdtempSync(join(tmpdir(), 'keyport-fleet-home-'));
  if (config !== undefined) {
    mkdirSync(join(home, '.ssh'), { mode: 0o700 });
    writeFileSync(join(home, '.ssh', 'config'), config, { mode: 0o600 });
  }
  const previousHome = process.env.HOME;
  process.env.HOME = home;
  t.after(() => {
    process.env.HOME = previousHome;
    rmSync(home, { recursive: true, force: true });
  });
  const { cache } = openTempCache(t);
  const fleet = new FleetService({
    cache,
    sessions: {} as ServerSessions,
    vault: { available: false } as SecretVault,
    sync: async () => undefined,
    deployableRelease: async () => null,
  });
  return { fleet, home };
}

const CONFIG = ['Host berlin', '  HostName 127.0.0.1', '  Port 1', 'Host *.corp.example paris', '  User admin', 'Host *', '  ServerAliveInterval 30', ''].join('\n');

test('sshConfigHosts lists the Host names of $HOME/.ssh/config, without patterns', async (t) => {
  const { fleet } = fleetWithHome(t, CONFIG);
  assert.deepEqual(await fleet.sshConfigHosts(), ['berlin', 'paris']);
  const empty = fleetWithHome(t, undefined);
  assert.deepEqual(await empty.fleet.sshConfigHosts(), []);
});

test('an alias no Host line names is ssh-alias-unknown, saying "no Host X in ~/.ssh/config", before any connection', async (t) => {
  const { fleet } = fleetWithHome(t, CONFIG);
  for (const attempt of [() => fleet.probeHostKey({ sshAlias: 'berlim' }), () => fleet.add({ name: 'b', sshAlias: 'berlim', acceptedFingerprint: 'SHA256:x' })]) {
    await assert.rejects(attempt(), (error: unknown) => {
      assert.ok(isKeyportError(error), String(error));
      assert.equal(error.code, 'ssh-alias-unknown');
      assert.equal(error.message, 'no Host berlim in ~/.ssh/config');
      assert.deepEqual(error.facts, { alias: 'berlim', configPath: '~/.ssh/config', configFound: true });
      return true;
    });
  }
  const { fleet: withoutConfig } = fleetWithHome(t, undefined);
  await assert.rejects(withoutConfig.probeHostKey({ sshAlias: 'berlin' }), (error: unknown) => isKeyportError(error) && error.code === 'ssh-alias-unknown' && error.facts.configFound === false);
});

test('an alias named exactly or by a pattern is probed: where nothing answers, it is server-offline', async (t) => {
  const closed = await freePort();
  const config = CONFIG.replace('Port 1', `Port ${closed}`).replace('Host *.corp.example paris', `Host *.corp.example paris\n  HostName 127.0.0.1\n  Port ${closed}`);
  const { fleet, home } = fleetWithHome(t, config);
  // The login a probe does not use must still exist: ~/.ssh/id_ed25519, as ssh would take it.
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(home, '.ssh', 'id_ed25519')]);
  for (const alias of ['berlin', 'db.corp.example']) {
    await assert.rejects(fleet.probeHostKey({ sshAlias: alias }), (error: unknown) => isKeyportError(error) && error.code === 'server-offline' && error.message.includes(`127.0.0.1:${closed}`));
  }
});

test('probing with a key file that is not there says so, before connecting', async (t) => {
  const { fleet, home } = fleetWithHome(t, undefined);
  const keyPath = join(home, '.ssh', 'id_gone');
  const target = { host: '127.0.0.1', port: await freePort(), user: 'root', auth: { method: 'key' as const, keyPath }, proxyJump: [] };
  await assert.rejects(fleet.probeHostKey(target), (error: unknown) => {
    assert.ok(isKeyportError(error), String(error));
    assert.equal(error.code, 'ssh-key-unusable');
    assert.deepEqual(error.facts, { file: keyPath, problem: 'missing' });
    assert.equal(error.message, `The SSH private key ${keyPath} cannot be used: there is no such file`);
    return true;
  });
});
