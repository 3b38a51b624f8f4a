import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestServer } from '../../../../e2e/harness/test-server.ts';
import { freePort } from '../../../../test-support/tcp-traffic.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { openKeyportCore, type KeyportCore } from '../keyport-core.ts';
import type { SecretVault } from './secret-vault.ts';

const PASSWORD = 'correct horse battery staple';

/** A keychain stand-in that really transforms what it seals, so a plain copy in the cache would show. */
const reversingVault: SecretVault = {
  available: true,
  seal: (plain) => `sealed:${Buffer.from([...plain].reverse().join('')).toString('base64')}`,
  open: (sealed) => [...Buffer.from(sealed.slice('sealed:'.length), 'base64').toString()].reverse().join(''),
};

const secretRequired = (serverId: string) => (error: unknown) =>
  error instanceof KeyportError && error.code === 'secret-required' && error.facts.server === serverId && /SSH password/.test(String(error.facts.prompt));

/**
 * A server that logs in by password, in a console with no terminal to ask on (the window, web
 * mode): the password given when adding is used, and once the console restarts without a keychain
 * it is asked for with `secret-required` and given with `Fleet.provideSecret`.
 */
describe('SSH passwords in a console that cannot prompt', { timeout: 120_000 }, () => {
  let server: TestServer;
  let user: string;
  let home: string;
  const cores: KeyportCore[] = [];
  const open = async (vault?: SecretVault, dir = home) => {
    const core = await openKeyportCore({ home: dir, vault });
    cores.push(core);
    return core;
  };
  const addAlpha = (core: KeyportCore) =>
    core.fleet.add({
      name: 'alpha',
      host: '127.0.0.1',
      port: server.sshPort,
      user,
      auth: { method: 'password' },
      secret: PASSWORD,
      acceptedFingerprint: server.hostKeyFingerprint,
    });

  before(async () => {
    server = await TestServer.create(await freePort());
    user = server.addUser('nopasswd', { password: PASSWORD });
    home = mkdtempSync(join(tmpdir(), 'keyport-secrets-'));
  });

  after(async () => {
    for (const core of cores) await core.close();
    await server?.destroy();
    rmSync(home, { recursive: true, force: true });
  });

  test('without a keychain: used while the console runs, asked for after a restart, then taken from provideSecret', async () => {
    const first = await open();
    const added = await addAlpha(first);
    assert.equal((await first.fleet.status('alpha')).state, 'not-deployed', 'the password given when adding logs in');
    await first.close();

    const restarted = await open();
    await assert.rejects(restarted.fleet.status('alpha'), secretRequired(added.id));
    await assert.rejects(restarted.fleet.provideSecret('alpha', 'not the password'), (error: unknown) => error instanceof KeyportError && error.code === 'auth-failed');
    await assert.rejects(restarted.fleet.status('alpha'), secretRequired(added.id), 'a password that did not log in is not kept');
    await restarted.fleet.provideSecret('alpha', PASSWORD);
    assert.equal((await restarted.fleet.status('alpha')).state, 'not-deployed');
    await assert.rejects(restarted.fleet.provideSecret('alpha', ''), (error: unknown) => error instanceof KeyportError && error.code === 'bad-input');
  });

  test('with a keychain: sealed into the cache, so a restart logs in without asking; the plain password is in no file', async () => {
    const dir = mkdtempSync(join(home, 'vault-'));
    const first = await open(reversingVault, dir);
    await addAlpha(first);
    await first.close();
    const restarted = await open(reversingVault, dir);
    assert.equal((await restarted.fleet.status('alpha')).state, 'not-deployed');
    await restarted.close();
    for (const file of readdirSync(dir)) {
      assert.equal(readFileSync(join(dir, file)).includes(PASSWORD), false, `${file} holds the plain password`);
    }
  });
});
