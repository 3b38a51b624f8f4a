import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { KeyportError } from '../../shared/contract/errors.ts';
import { fakeCore } from './testing/fake-core.ts';
import { ALICE, ALICE_CONFIG, BOB, fromCache, live } from './testing/fixtures.ts';
import { runInProcess } from './testing/run-in-process.ts';

describe('keys list', () => {
  test('prints id, name, port, status, usage, reset, expiry, created and note as a table', async () => {
    const result = await runInProcess(['keys', 'list', 'alpha'], { services: { keys: { list: async () => live([ALICE, BOB]) } } });
    assert.equal(
      result.stdout,
      'ID                                    NAME                PORT  STATUS    USAGE  RESET  EXPIRES  CREATED               NOTE\n' +
        '5f8c1a2e-4b1d-4c39-9a57-0e2f3b6d8c11  alice@example.com  10001  active    -      -      -        2025-08-02 10:00 UTC\n' +
        '7a1d9e44-2c3b-4d5e-8f60-718293a4b5c6  bob                10002  disabled  -      -      -        2025-08-02 10:00 UTC\n',
    );
    assert.equal(result.stderr, '');
  });

  test('from the cache: says so on stderr, and --json prints the whole Cached object', async () => {
    const cached = fromCache([ALICE]);
    const { core } = fakeCore({ keys: { list: async () => cached } });
    const human = await runInProcess(['keys', 'list', 'alpha'], { core });
    assert.equal(human.code, 0);
    assert.equal(human.stderr, '(offline: from cache, last synced 2025-08-04 18:30 UTC)\n');
    const json = await runInProcess(['keys', 'list', 'alpha', '--json'], { core });
    assert.deepEqual(JSON.parse(json.stdout), cached);
    assert.equal(json.stderr, human.stderr);
  });
});

describe('naming a key', () => {
  test('an exact name is looked up in the list; an id is used as it is', async () => {
    const configured: string[] = [];
    const { core, calls } = fakeCore({
      keys: { list: async () => live([ALICE, BOB]), config: async (_server, keyId) => (configured.push(keyId), live(ALICE_CONFIG)) },
    });
    await runInProcess(['keys', 'config', 'alpha', 'alice@example.com'], { core });
    await runInProcess(['keys', 'config', 'alpha', BOB.id], { core });
    assert.deepEqual(configured, [ALICE.id, BOB.id]);
    assert.deepEqual(calls, ['keys.list', 'keys.config', 'close', 'keys.config', 'close']);
  });

  test('a name two keys share is refused, listing their ids', async () => {
    const twin = { ...BOB, name: ALICE.name };
    const { core, calls } = fakeCore({ keys: { list: async () => live([ALICE, twin]) } });
    const result = await runInProcess(['keys', 'delete', 'alpha', ALICE.name, '--yes'], { core });
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes(ALICE.id) && result.stderr.includes(twin.id), result.stderr);
    assert.deepEqual(calls, ['keys.list', 'close']);
  });

  test('an unknown name exits 6', async () => {
    const { core } = fakeCore({ keys: { list: async () => live([ALICE]) } });
    const result = await runInProcess(['keys', 'disable', 'alpha', 'carol'], { core });
    assert.equal(result.code, 6);
    assert.match(result.stderr, /no key named "carol"/);
  });
});

describe('keys writes', () => {
  test('create --json prints the new key', async () => {
    const { core } = fakeCore({ keys: { create: async (_server, name) => ({ ...ALICE, name }) } });
    const result = await runInProcess(['keys', 'create', 'alpha', 'carol', '--json'], { core });
    assert.deepEqual(JSON.parse(result.stdout), { ...ALICE, name: 'carol' });
  });

  test('--json anywhere before -- asks for JSON; after -- it is a name like any other', async () => {
    const { core } = fakeCore({ keys: { create: async (_server, name) => ({ ...ALICE, name }) } });
    const first = await runInProcess(['keys', 'create', '--json', 'alpha', 'carol'], { core });
    assert.deepEqual(JSON.parse(first.stdout), { ...ALICE, name: 'carol' });
    const named = await runInProcess(['keys', 'create', 'alpha', '--', '--json'], { core });
    assert.equal(named.code, 0, named.stderr);
    assert.match(named.stdout, /^Created key --json /);
  });

  test('create warns on stderr when the new link would not work yet, and names the fix', async () => {
    const { core } = fakeCore({
      keys: { create: async (_server, name) => ({ ...ALICE, name }) },
      fleet: { status: async () => ({ problems: [{ code: 'xray-missing', fix: 'install-xray', binaryPath: '/usr/local/bin/xray' }] }) as never },
    });
    const result = await runInProcess(['keys', 'create', 'alpha', 'carol'], { core });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Created key carol/);
    assert.match(result.stderr, /warning: the link of carol will not work yet: Xray is not installed .*keyport server install-xray alpha/);
  });

  test('create says nothing more when the server is healthy, or when its status cannot be read', async () => {
    for (const status of [async () => ({ problems: [] }) as never, async () => Promise.reject(new Error('offline'))]) {
      const { core } = fakeCore({ keys: { create: async (_server, name) => ({ ...ALICE, name }) }, fleet: { status } });
      const result = await runInProcess(['keys', 'create', 'alpha', 'carol'], { core });
      assert.equal(result.code, 0);
      assert.equal(result.stderr, '');
    }
  });

  test('disable and enable set the key’s state', async () => {
    const states: boolean[] = [];
    const { core } = fakeCore({ keys: { setActive: async (_server, _key, active) => (states.push(active), { ...ALICE, is_active: active }) } });
    const disabled = await runInProcess(['keys', 'disable', 'alpha', ALICE.id], { core });
    assert.match(disabled.stdout, /^Disabled key alice@example\.com .*connections are cut/);
    await runInProcess(['keys', 'enable', 'alpha', ALICE.id], { core });
    assert.deepEqual(states, [false, true]);
  });

  test('delete --yes removes the key by id', async () => {
    const removed: string[] = [];
    const { core } = fakeCore({ keys: { remove: async (_server, keyId) => void removed.push(keyId) } });
    const result = await runInProcess(['keys', 'delete', 'alpha', ALICE.id, '--yes'], { core });
    assert.equal(result.code, 0);
    assert.deepEqual(removed, [ALICE.id]);
  });
});

describe('keys rename', () => {
  test('renames a key named by its name or its id, and says where the new link is', async () => {
    const renamed: Array<[string, string]> = [];
    const { core, calls } = fakeCore({
      keys: {
        list: async () => live([ALICE, BOB]),
        rename: async (_server, keyId, name) => (renamed.push([keyId, name]), { ...(keyId === ALICE.id ? ALICE : BOB), name }),
      },
    });
    const byName = await runInProcess(['keys', 'rename', 'alpha', 'alice@example.com', 'Мама 📱'], { core });
    assert.equal(byName.code, 0, byName.stderr);
    assert.equal(byName.stdout, `Renamed key ${ALICE.id} to "Мама 📱". Links handed out before keep the old name as their label; the new link: keyport keys config alpha ${ALICE.id}\n`);
    const byId = await runInProcess(['keys', 'rename', 'alpha', BOB.id, 'Bobby', '--json'], { core });
    assert.deepEqual(JSON.parse(byId.stdout), { ...BOB, name: 'Bobby' });
    assert.deepEqual(renamed, [[ALICE.id, 'Мама 📱'], [BOB.id, 'Bobby']]);
    assert.deepEqual(calls, ['keys.list', 'keys.rename', 'close', 'keys.rename', 'close']);
  });

  test('a name in another Unicode form than the stored one still finds the key', async () => {
    const amelie = { ...ALICE, name: 'Amélie' };
    const { core } = fakeCore({ keys: { list: async () => live([amelie]), rename: async (_server, _keyId, name) => ({ ...amelie, name }) } });
    assert.equal((await runInProcess(['keys', 'rename', 'alpha', 'Ame\u0301lie', 'Amy'], { core })).code, 0);
  });

  test('a name another key has is refused in words, naming that key and how to rename it', async () => {
    const taken = new KeyportError('name-taken', `alpha already has a key named "Bob" (id ${BOB.id})`, {
      server: 'alpha',
      name: 'bob',
      holderKeyId: BOB.id,
      holderName: 'Bob',
    });
    const { core } = fakeCore({
      keys: {
        rename: async () => {
          throw taken;
        },
      },
    });
    const result = await runInProcess(['keys', 'rename', 'alpha', ALICE.id, 'bob'], { core });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      `keyport: alpha already has a key named "Bob" (id ${BOB.id})\n` +
        '  name: bob\n' +
        `  (no two keys on a server may share a name, in any letter case: choose another name, or rename the other key first: keyport keys rename alpha ${BOB.id} NEWNAME)\n`,
    );
    const json = await runInProcess(['keys', 'rename', 'alpha', ALICE.id, 'bob', '--json'], { core });
    assert.equal(JSON.parse(json.stdout).error.code, 'name-taken');
  });

  test('needs the new name', async () => {
    const result = await runInProcess(['keys', 'rename', 'alpha', ALICE.id], { core: fakeCore().core });
    assert.equal(result.code, 2);
  });
});

describe('keys config and qr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyport-keys-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const core = () => fakeCore({ keys: { config: async () => live(ALICE_CONFIG) } }).core;

  test('config prints the vless:// link; --json the Cached config', async () => {
    assert.equal((await runInProcess(['keys', 'config', 'alpha', ALICE.id], { core: core() })).stdout, `${ALICE_CONFIG.vless_url}\n`);
    const json = await runInProcess(['keys', 'config', 'alpha', ALICE.id, '--json'], { core: core() });
    assert.deepEqual(JSON.parse(json.stdout), live(ALICE_CONFIG));
  });

  test('qr prints the code in the terminal, then the link', async () => {
    const result = await runInProcess(['keys', 'qr', 'alpha', ALICE.id], { core: core() });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /[▀▄█]/);
    assert.ok(result.stdout.endsWith(`\n${ALICE_CONFIG.vless_url}\n`));
  });

  test('qr --png and --svg write files', async () => {
    const png = join(dir, 'alice.png');
    const svg = join(dir, 'alice.svg');
    assert.equal((await runInProcess(['keys', 'qr', 'alpha', ALICE.id, '--png', png], { core: core() })).code, 0);
    assert.equal((await runInProcess(['keys', 'qr', 'alpha', ALICE.id, '--svg', svg], { core: core() })).code, 0);
    assert.deepEqual([...readFileSync(png).subarray(1, 4)], [...Buffer.from('PNG')]);
    assert.match(readFileSync(svg, 'utf8'), /<svg/);
  });
});
