import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { openKeyportCore } from '../keyport-core.ts';
import { checkSshTarget } from './check-ssh-target.ts';

const badInput = (pattern: RegExp) => (error: unknown) => error instanceof KeyportError && error.code === 'bad-input' && pattern.test(error.message);

describe('checkSshTarget', () => {
  test('takes host names, IPv4 and IPv6 addresses, and the usual user names', () => {
    for (const host of ['vpn.example.com', 'vpn.example.com.', 'paris-1', '203.0.113.7', '2001:db8::7', '::1']) {
      assert.doesNotThrow(() => checkSshTarget({ host, port: 22, user: 'root' }), host);
    }
    for (const user of ['root', 'deploy_bot', 'anna.k', '_svc', 'Admin-2']) {
      assert.doesNotThrow(() => checkSshTarget({ host: 'vpn.example.com', port: 2222, user }), user);
    }
  });

  test('refuses hosts, ports and users no server could have', () => {
    for (const host of ['', 'a;b', 'vpn example.com', '-oProxyCommand=x', 'vpn..example.com', 'x'.repeat(64) + '.com', '$(id)']) {
      assert.throws(() => checkSshTarget({ host, port: 22, user: 'root' }), badInput(/is not a host name or IP address/), host);
    }
    for (const port of [0, 65536, 22.5, Number.NaN]) {
      assert.throws(() => checkSshTarget({ host: 'vpn.example.com', port, user: 'root' }), badInput(/is not 1-65535/), String(port));
    }
    for (const user of ['', 'root; rm -rf /', '1root', 'a b', 'x'.repeat(33), "o'neil"]) {
      assert.throws(() => checkSshTarget({ host: 'vpn.example.com', port: 22, user }), badInput(/is not a user name/), user);
    }
  });

  test('the fleet refuses such a server before connecting, and keeps nothing', async (t) => {
    const home = mkdtempSync(join(tmpdir(), 'keyport-target-'));
    const core = await openKeyportCore({ home });
    t.after(async () => {
      await core.close();
      rmSync(home, { recursive: true, force: true });
    });
    const auth = { method: 'agent' } as const;
    await assert.rejects(core.fleet.probeHostKey({ host: 'a;b', port: 22, user: 'root', auth, proxyJump: [] }), badInput(/"a;b"/));
    await assert.rejects(
      core.fleet.add({ name: 'alpha', host: '127.0.0.1', user: 'root; reboot', auth, acceptedFingerprint: 'SHA256:x' }),
      badInput(/"root; reboot" is not a user name/),
    );
    await assert.rejects(core.fleet.add({ name: 'alpha', host: 'vpn example.com', auth }), badInput(/not a host name/));
    assert.deepEqual(await core.fleet.list(), []);
  });
});
