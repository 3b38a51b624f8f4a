import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { keyport, keyportJson } from '../support/keyport-cli.ts';

const REPO = resolve(import.meta.dirname, '../..');

interface LimitedKey {
  id: string;
  name: string;
  port: number;
  status: string;
  data_limit_bytes: number | null;
  data_limit_reset: string;
  expires_at: string | null;
  note: string;
  used_bytes: number;
}

/**
 * Keys with limits through the `keyport` CLI against a deployed agent in a test server (a namespace
 * with real sshd, iptables and the stand-in Xray): created with a quota, an expiry and a note, one
 * and many, changed, listed and filtered, cut by its quota after real bytes and brought back by a
 * raised one, counted in server status, and shown from the cache while the server is offline.
 */
describe('keyport CLI: keys with limits', { timeout: 600_000 }, () => {
  let alpha: TestServer;
  let scratch: string;
  let env: Record<string, string>;

  before(async () => {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
    alpha = await TestServer.create(await freePort());
    scratch = mkdtempSync(join(tmpdir(), 'keyport-e2e-limits-'));
    env = { HOME: scratch, KEYPORT_HOME: join(scratch, 'keyport'), SSH_AUTH_SOCK: '' };
    const added = await keyport(
      ['server', 'add', 'alpha', '--host', '127.0.0.1', '--port', String(alpha.sshPort), '--key', alpha.clientKeyPath, '--accept-host-key', alpha.hostKeyFingerprint],
      env,
    );
    assert.equal(added.code, 0, added.stderr);
    const deployed = await keyport(['server', 'deploy', 'alpha'], env);
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
  });

  after(async () => {
    await alpha?.destroy();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('create takes a quota, reset, expiry and note; set changes and clears them', async () => {
    const key = await keyportJson<LimitedKey>(['keys', 'create', 'alpha', 'carol', '--limit', '50GB', '--reset', 'month', '--expires', '2099-03-01', '--note', 'Мама 📱'], env);
    assert.deepEqual(
      [key.status, key.data_limit_bytes, key.data_limit_reset, key.expires_at, key.note],
      ['active', 50 * 1024 ** 3, 'month', '2099-03-01T00:00:00.000000', 'Мама 📱'],
    );
    const changed = await keyportJson<LimitedKey>(['keys', 'set', 'alpha', 'carol', '--limit', 'none', '--expires', '+3d', '--note', 'trial'], env);
    assert.equal(changed.data_limit_bytes, null);
    assert.equal(changed.note, 'trial');
    assert.ok(Math.abs(Date.parse(`${changed.expires_at}Z`) - (Date.now() + 3 * 86_400_000)) < 120_000, String(changed.expires_at));
    const expired = await keyportJson<LimitedKey>(['keys', 'set', 'alpha', 'carol', '--expires', '2001-01-01'], env);
    assert.equal(expired.status, 'expired');
    const back = await keyportJson<LimitedKey>(['keys', 'set', 'alpha', 'carol', '--expires', '+3d'], env);
    assert.equal(back.status, 'active');
  });

  test('a bad value names its flag, exits 2, and the server has no new key', async () => {
    const refused = await keyport(['keys', 'create', 'alpha', 'dan', '--limit', '50 gigs'], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--limit/);
    const listed = await keyportJson<{ data: LimitedKey[] }>(['keys', 'list', 'alpha'], env);
    assert.ok(!listed.data.some((key) => key.name === 'dan'));
  });

  test('create-many takes each CSV row’s limits and the flags’ shared ones', async () => {
    const file = join(scratch, 'keys.csv');
    writeFileSync(file, 'name,limit,expires,note\nerin,1MB,,first\nfay,,2099-01-01,\ngus,none,,\n');
    const result = await keyportJson<{ created: LimitedKey[] }>(['keys', 'create-many', 'alpha', '--from', file, '--limit', '2MB', '--reset', 'day'], env);
    assert.deepEqual(
      result.created.map((key) => [key.name, key.data_limit_bytes, key.data_limit_reset, key.expires_at, key.note]),
      [
        ['erin', 1024 ** 2, 'day', null, 'first'],
        ['fay', 2 * 1024 ** 2, 'day', '2099-01-01T00:00:00.000000', ''],
        ['gus', null, 'day', null, ''],
      ],
    );
  });

  test('a key with a small quota is limited after real bytes, listed so, and a raised quota brings it back', async () => {
    const key = await keyportJson<LimitedKey>(['keys', 'create', 'alpha', 'hal', '--limit', '50KB'], env);
    alpha.exec(join(REPO, 'scripts/node24'), [join(REPO, 'e2e/support/move-bytes.ts'), String(key.port), '30000', '70000']);
    const deadline = Date.now() + 40_000;
    let limited: string[] = [];
    while (Date.now() < deadline) {
      limited = (await keyportJson<{ data: LimitedKey[] }>(['keys', 'list', 'alpha', '--status', 'limited'], env)).data.map((entry) => entry.name);
      if (limited.includes('hal')) break;
      await new Promise((done) => setTimeout(done, 1_000));
    }
    assert.deepEqual(limited, ['hal']);
    const table = await keyport(['keys', 'list', 'alpha', '--over', '100%'], env);
    assert.match(table.stdout, /\n\S+ +hal +\d+ +limited +[\d.]+ KiB \/ 50\.00 KiB \(\d{3}%\)/);
    const raised = await keyportJson<LimitedKey>(['keys', 'set', 'alpha', 'hal', '--limit', '10MB'], env);
    assert.equal(raised.status, 'active');
  });

  test('server status counts limited, expired and expiring keys; offline, the cache shows the keys’ limits', async () => {
    await keyportJson(['keys', 'create', 'alpha', 'ivy', '--limit', '0'], env);
    await keyportJson(['keys', 'create', 'alpha', 'jo', '--expires', '2001-01-01'], env);
    const status = await keyportJson<{ keyLimits: { limited: number; expired: number; expiringSoon: number } }>(['server', 'status', 'alpha'], env);
    assert.deepEqual(status.keyLimits, { limited: 1, expired: 1, expiringSoon: 1 }, 'ivy, jo, and carol expiring in 3 days');
    const online = await keyportJson<{ data: LimitedKey[] }>(['keys', 'list', 'alpha'], env);
    await alpha.stopSshd();
    try {
      const cached = await keyportJson<{ source: string; data: LimitedKey[] }>(['keys', 'list', 'alpha'], env);
      assert.equal(cached.source, 'cache');
      assert.deepEqual(cached.data, online.data);
      const expiring = await keyport(['keys', 'list', 'alpha', '--expiring', '7d'], env, 60_000);
      assert.match(expiring.stdout, /\n\S+ +carol +\d+ +active +- +- +in 2 days /);
      assert.match(expiring.stderr, /offline: from cache/);
      const offlineStatus = await keyportJson<{ state: string; keyLimits: unknown }>(['server', 'status', 'alpha'], env);
      assert.equal(offlineStatus.state, 'offline');
      assert.deepEqual(offlineStatus.keyLimits, status.keyLimits);
    } finally {
      alpha.startSshd();
    }
  });
});
