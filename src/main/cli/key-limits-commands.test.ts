import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { ApiKey, KeyLimits, KeyUpdate } from '../../shared/contract/api-types.ts';
import { KeyportError } from '../../shared/contract/errors.ts';
import type { CreateManyOptions, KeyBatchEntry } from '../../shared/contract/key-batch.ts';
import { fakeCore } from './testing/fake-core.ts';
import { ALICE, BOB, fromCache, live } from './testing/fixtures.ts';
import { runInProcess } from './testing/run-in-process.ts';

// runInProcess's clock: 2025-08-05 12:00 UTC.
const GIB = 1024 ** 3;
const CAROL: ApiKey = {
  ...ALICE,
  id: 'c1',
  name: 'carol',
  port: 10003,
  status: 'limited',
  data_limit_bytes: 50 * GIB,
  data_limit_reset: 'month',
  used_bytes: 50 * GIB,
  period_started_at: '2025-08-01T00:00:00.000000',
};
const DAN: ApiKey = { ...ALICE, id: 'd1', name: 'dan', port: 10004, expires_at: '2025-08-08T13:00:00.000000', note: 'trial,\nends Friday', data_limit_bytes: 10 * GIB, used_bytes: 8.5 * GIB };
const ERIN: ApiKey = { ...ALICE, id: 'e1', name: 'erin', port: 10005, status: 'expired', expires_at: '2025-08-05T10:00:00.000000' };
/** Cached while active; its expiry has passed since. */
const FAY: ApiKey = { ...ALICE, id: 'f1', name: 'fay', port: 10006, expires_at: '2025-08-05T11:58:00.000000', note: 'x'.repeat(60) };
const KEYS = [ALICE, BOB, CAROL, DAN, ERIN, FAY];

const dir = mkdtempSync(join(tmpdir(), 'keyport-key-limits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const list = (...args: string[]) => runInProcess(['keys', 'list', 'alpha', ...args], { services: { keys: { list: async () => live(KEYS) } } });
const names = (stdout: string) => stdout.trim().split('\n').slice(1).map((line) => line.split(/\s+/)[1]);

describe('keys list with limits', () => {
  test('shows status in words, usage against the quota, the reset, expiry from now and the note on one line', async () => {
    const result = await list();
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.match(lines[0]!, /^ID +NAME +PORT +STATUS +USAGE +RESET +EXPIRES +CREATED +NOTE$/);
    assert.match(lines[3]!, /^c1 +carol +10003 +limited +50\.00 GiB \/ 50\.00 GiB \(100%\) +month +- +2025-08-02 10:00 UTC$/);
    assert.match(lines[4]!, /^d1 +dan +10004 +active +8\.50 GiB \/ 10\.00 GiB \(85%\) +- +in 3 days +2025-08-02 10:00 UTC +trial, ends Friday$/);
    assert.match(lines[5]!, /^e1 +erin +10005 +expired +- +- +expired 2 h ago /);
    assert.match(lines[6]!, /^f1 +fay +10006 +expired +- +- +expired 2 min ago +2025-08-02 10:00 UTC +x{39}…$/);
  });

  test('--status, --expiring and --over filter, together too; --json keeps the Cached shape', async () => {
    assert.deepEqual(names((await list('--status', 'limited')).stdout), ['carol']);
    assert.deepEqual(names((await list('--status', 'expired,disabled')).stdout), ['bob', 'erin', 'fay']);
    assert.deepEqual(names((await list('--expiring', '7d')).stdout), ['dan']);
    assert.deepEqual(names((await list('--expiring', '2d')).stdout), []);
    assert.deepEqual(names((await list('--over', '80%')).stdout), ['carol', 'dan']);
    assert.deepEqual(names((await list('--over', '90')).stdout), ['carol']);
    assert.deepEqual(names((await list('--over', '80%', '--status', 'active')).stdout), ['dan']);
    const none = await list('--expiring', '2d');
    assert.equal(none.stdout, 'No keys on alpha match.\n');
    const json = JSON.parse((await list('--status', 'limited', '--json')).stdout);
    assert.deepEqual(json, { ...live([CAROL]) });
  });

  test('--sort orders by usage, expiry, status or name; keys without a quota or expiry last', async () => {
    assert.deepEqual(names((await list('--sort', 'usage')).stdout), ['carol', 'dan', 'alice@example.com', 'bob', 'erin', 'fay']);
    assert.deepEqual(names((await list('--sort', 'expires')).stdout), ['erin', 'fay', 'dan', 'alice@example.com', 'bob', 'carol']);
    assert.deepEqual(names((await list('--sort', 'status')).stdout), ['alice@example.com', 'dan', 'bob', 'carol', 'erin', 'fay']);
    assert.deepEqual(names((await list('--sort', 'name')).stdout), ['alice@example.com', 'bob', 'carol', 'dan', 'erin', 'fay']);
  });

  test('offline, filters judge the cached keys at the clock and say it came from the cache', async () => {
    const result = await runInProcess(['keys', 'list', 'alpha', '--status', 'expired'], { services: { keys: { list: async () => fromCache(KEYS) } } });
    assert.deepEqual(names(result.stdout), ['erin', 'fay']);
    assert.match(result.stderr, /offline: from cache/);
  });

  test('bad filters are usage errors naming the flag, and nothing is read', async () => {
    for (const [flag, value, words] of [
      ['--status', 'paused', /--status takes active, disabled, limited, expired/],
      ['--expiring', 'soon', /--expiring must be a time from now such as 7d/],
      ['--over', 'most', /--over must be a share of the quota such as 80%/],
      ['--sort', 'size', /--sort takes name, port/],
    ] as const) {
      const result = await runInProcess(['keys', 'list', 'alpha', flag, value]);
      assert.equal(result.code, 2, flag);
      assert.match(result.stderr, words);
      assert.equal(result.coreOpened, false);
    }
  });
});

describe('keys create with limits', () => {
  const creating = () => {
    const seen: { limits?: KeyLimits } = {};
    const { core, calls } = fakeCore({
      keys: { create: async (_server, name, limits) => ((seen.limits = limits), { ...ALICE, name, ...limits, period_started_at: '2025-08-05T12:00:00.000000' }) },
      fleet: { status: async () => { throw new KeyportError('server-offline', 'gone'); } },
    });
    return { core, calls, seen };
  };

  test('--limit, --reset, --expires and --note become the key’s limits, and the answer says them', async () => {
    const { core, seen } = creating();
    const result = await runInProcess(['keys', 'create', 'alpha', 'carol', '--limit', '50GB', '--reset', 'month', '--expires', '2027-03-01', '--note', 'Мама 📱'], { core });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(seen.limits, { data_limit_bytes: 50 * GIB, data_limit_reset: 'month', expires_at: '2027-03-01T00:00:00.000000', note: 'Мама 📱' });
    assert.match(result.stdout, /Status active, quota 50\.00 GiB a month, 0 B used, expires in 572 days \(2027-03-01 00:00 UTC\), note "Мама 📱"\.\n$/);
  });

  test('+30d counts from now; GiB and a bare byte count are taken', async () => {
    const { core, seen } = creating();
    await runInProcess(['keys', 'create', 'alpha', 'carol', '--expires', '+30d', '--limit', '1.5GiB'], { core });
    assert.deepEqual(seen.limits, { data_limit_bytes: 1.5 * GIB, expires_at: '2025-09-04T12:00:00.000000' });
    await runInProcess(['keys', 'create', 'alpha', 'carol', '--limit', '50000000000'], { core });
    assert.deepEqual(seen.limits, { data_limit_bytes: 50_000_000_000 });
  });

  test('without limit flags the key is created as before, no limits sent', async () => {
    const { core, seen } = creating();
    const result = await runInProcess(['keys', 'create', 'alpha', 'carol'], { core });
    assert.deepEqual(seen.limits, {});
    assert.doesNotMatch(result.stdout, /Status/);
  });

  test('a bad value is a usage error naming its flag, and the core is not opened', async () => {
    for (const [flag, value, words] of [
      ['--limit', '50 gigs', /--limit '50 gigs': the unit must be B, KiB, MiB, GiB, TiB or PiB \(1024-based; KB/],
      ['--limit', '5.GB', /--limit must be a size such as 50GiB/],
      ['--limit', '9PB', /more than the largest quota, 8 PiB/],
      ['--reset', 'fortnight', /--reset must be one of no_reset, day, week, month, year \(got 'fortnight'\)/],
      ['--expires', '2027-02-30', /--expires '2027-02-30' is not a date and time that exists/],
      ['--expires', 'next week', /--expires must be a day \(2027-03-01, meaning 00:00 UTC\)/],
    ] as const) {
      const result = await runInProcess(['keys', 'create', 'alpha', 'carol', `${flag}=${value}`]);
      assert.equal(result.code, 2, `${flag} ${value}: ${result.stderr}`);
      assert.match(result.stderr, words);
      assert.equal(result.coreOpened, false);
    }
  });

  test('a note the core refuses comes back with its field and the flag to fix', async () => {
    const refusal = new KeyportError('bad-input', 'note must be text of at most 500 characters; nothing was sent', { field: 'note', problem: 'note-too-long', value: 'x' });
    const { core } = fakeCore({ keys: { create: async () => { throw refusal; } } });
    const result = await runInProcess(['keys', 'create', 'alpha', 'carol', '--note', 'x'.repeat(501)], { core });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /at most 500 characters/);
    assert.match(result.stderr, /\(give another --note\)/);
  });
});

describe('keys set', () => {
  const setting = () => {
    const seen: { keyId?: string; changes?: KeyUpdate } = {};
    const { core, calls } = fakeCore({
      keys: {
        list: async () => live(KEYS),
        update: async (_server, keyId, changes) => ((seen.keyId = keyId), (seen.changes = changes), { ...CAROL, ...changes, status: 'active' as const }),
      },
    });
    return { core, calls, seen };
  };

  test('changes name, limits and the switch at once on the key named', async () => {
    const { core, seen } = setting();
    const result = await runInProcess(['keys', 'set', 'alpha', 'carol', '--name', 'Carol', '--limit', '100GB', '--expires', '+2w', '--note', 'paid', '--enable'], { core });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(seen.keyId, 'c1');
    assert.deepEqual(seen.changes, { data_limit_bytes: 100 * GIB, expires_at: '2025-08-19T12:00:00.000000', note: 'paid', name: 'Carol', is_active: true });
    assert.match(result.stdout, /^Updated key Carol \(id c1, port 10003\)\. Status active, quota 100\.00 GiB a month, 50\.00 GiB used, expires in 14 days/);
  });

  test('none and never clear a quota and an expiry; --disable disables', async () => {
    const { core, seen } = setting();
    await runInProcess(['keys', 'set', 'alpha', 'carol', '--limit', 'none', '--expires', 'never', '--reset', 'no_reset', '--disable'], { core });
    assert.deepEqual(seen.changes, { data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null, is_active: false });
  });

  test('--json prints the key as the server answered', async () => {
    const { core } = setting();
    const result = await runInProcess(['keys', 'set', 'alpha', 'carol', '--note', '', '--json'], { core });
    assert.deepEqual(JSON.parse(result.stdout), { ...CAROL, note: '', status: 'active' });
  });

  test('nothing to change, both switches, or a bad value: a usage error, nothing sent', async () => {
    for (const args of [[], ['--enable', '--disable'], ['--limit', 'lots'], ['--expires', '+30']]) {
      const { core, calls } = setting();
      const result = await runInProcess(['keys', 'set', 'alpha', 'carol', ...args], { core });
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.coreOpened, false);
      assert.ok(!calls.includes('keys.update'), calls.join());
    }
  });
});

describe('keys create-many with limits', () => {
  const creatingMany = () => {
    const seen: { entries?: KeyBatchEntry[]; options?: CreateManyOptions } = {};
    const { core } = fakeCore({
      keys: {
        createMany: async (_server, entries, options) => {
          seen.entries = entries;
          seen.options = options;
          return { created: entries.map((entry, index) => ({ ...ALICE, id: `id-${index}`, name: typeof entry === 'string' ? entry : entry.name })), skipped: [] };
        },
      },
    });
    return { core, seen };
  };

  test('a CSV’s limit, reset, expires and note columns become each row’s limits; empty cells give none', async () => {
    const file = join(dir, 'keys.csv');
    writeFileSync(file, 'name,limit,reset,expires,note,email\nAnna,50GB,month,2027-03-01,"VIP, paid",a@x\nBoris,,,,,b@x\nClara,none,,+30d,,\n');
    const { core, seen } = creatingMany();
    const result = await runInProcess(['keys', 'create-many', 'alpha', '--from', file, '--limit', '10GB'], { core });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(seen.entries, [
      { name: 'Anna', data_limit_bytes: 50 * GIB, data_limit_reset: 'month', expires_at: '2027-03-01T00:00:00.000000', note: 'VIP, paid' },
      'Boris',
      { name: 'Clara', data_limit_bytes: null, expires_at: '2025-09-04T12:00:00.000000' },
    ]);
    assert.deepEqual(seen.options, { skipExisting: false, limits: { data_limit_bytes: 10 * GIB } });
  });

  test('the plain one-name-per-line form still works, with shared limits from the flags', async () => {
    const { core, seen } = creatingMany();
    const result = await runInProcess(['keys', 'create-many', 'alpha', '-', '--expires', '2026-01-01'], { core, stdin: 'anna\nboris\n' });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(seen.entries, ['anna', 'boris']);
    assert.deepEqual(seen.options, { skipExisting: false, limits: { expires_at: '2026-01-01T00:00:00.000000' } });
  });

  test('a bad cell names its line and column, and nothing is created', async () => {
    const { core, seen } = creatingMany();
    const result = await runInProcess(['keys', 'create-many', 'alpha', '-'], { core, stdin: 'name;limit\nanna;5GB\nboris;5 gigs\n' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /line 3, column "limit": "5 gigs" is not a size/);
    assert.equal(seen.entries, undefined);
  });

  test('a row the core refuses for its limits is told with its line and where to fix it', async () => {
    const refusal = new KeyportError('bad-input', 'key 2 ("boris"): note must be text of at most 500 characters; nothing was sent', { field: 'note', index: 1, name: 'boris' });
    const { core } = fakeCore({ keys: { createMany: async () => { throw refusal; } } });
    const result = await runInProcess(['keys', 'create-many', 'alpha', '-'], { core, stdin: 'name,note\n\nanna,a\nboris,b\n' });
    assert.match(result.stderr, /^keyport: stdin, line 4: key 2/);
    assert.match(result.stderr, /\(fix that row's "note" cell, or --note if it came from there\)/);
  });
});

describe('a key its limits stop', () => {
  test('config and qr print the link, and say on stderr that it does not work and how to bring it back', async () => {
    const config = { key: CAROL, vless_url: 'vless://carol', qr_code_data: 'vless://carol' };
    const { core } = fakeCore({ keys: { list: async () => live(KEYS), config: async () => live(config) } });
    const result = await runInProcess(['keys', 'config', 'alpha', 'carol'], { core });
    assert.equal(result.stdout, 'vless://carol\n');
    assert.equal(
      result.stderr,
      'warning: carol has used its quota (50.00 GiB / 50.00 GiB (100%)), so its link does not work until the quota is raised or its next period starts: keyport keys set alpha c1 --limit SIZE\n',
    );
    const qr = await runInProcess(['keys', 'qr', 'alpha', 'carol'], { core });
    assert.match(qr.stderr, /^warning: carol has used its quota/);
  });

  test('enabling an expired key says it stays stopped until its expiry is moved on', async () => {
    const { core } = fakeCore({ keys: { list: async () => live(KEYS), setActive: async () => ERIN } });
    const result = await runInProcess(['keys', 'enable', 'alpha', 'erin'], { core });
    assert.equal(result.code, 0);
    assert.equal(result.stderr, 'warning: erin expired 2 h ago, so its link does not work until its expiry is moved on: keyport keys set alpha e1 --expires WHEN\n');
  });

  test('a working key’s config says nothing more', async () => {
    const { core } = fakeCore({ keys: { list: async () => live(KEYS), config: async () => live({ key: DAN, vless_url: 'vless://dan', qr_code_data: '' }) } });
    assert.equal((await runInProcess(['keys', 'config', 'alpha', 'dan'], { core })).stderr, '');
  });
});
