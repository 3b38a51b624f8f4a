import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeyportError } from '../../shared/contract/errors.ts';
import type { MoveRequest, MoveResult, PeopleChange, PeopleList, Person } from '../../shared/contract/people.ts';
import { fakeCore } from './testing/fake-core.ts';
import { ALICE } from './testing/fixtures.ts';
import { runInProcess } from './testing/run-in-process.ts';

const SYNCED = '2025-08-05T12:00:00.000Z';
const ANNA: Person = {
  uuid: ALICE.uuid,
  name: 'anna',
  keys: [
    { serverId: 's2', server: 'beta', key: { ...ALICE, id: 'b1', name: 'anna', used_bytes: 1024, subscription_url: null }, source: 'cache', syncedAt: '2025-08-04T18:30:00.000Z' },
    { serverId: 's1', server: 'alpha', key: { ...ALICE, name: 'anna', is_active: false, status: 'disabled', used_bytes: 2048, subscription_url: 'https://alpha.example/sub/t1' }, source: 'live', syncedAt: SYNCED },
  ],
  usedBytes: 3072,
  monthBytes: 5 * 1024 ** 2,
  subscriptionUrl: 'https://alpha.example/sub/t1',
  subscriptionUrls: [{ server: 'alpha', url: 'https://alpha.example/sub/t1' }],
};
const LIST: PeopleList = { people: [ANNA], unavailable: [], disabledNow: [], pending: [] };
const CHANGE: PeopleChange = { people: [ANNA], outcomes: [{ server: 'alpha', done: true, what: 'created key "anna"' }] };

describe('people list', () => {
  test('prints each person with their servers, usage summed and subscription link', async () => {
    const result = await runInProcess(['people', 'list'], { services: { people: { list: async () => LIST } } });
    assert.equal(result.code, 0);
    assert.equal(
      result.stdout,
      'NAME  UUID                                  SERVERS                      USED     MONTH  SUBSCRIPTION\n' +
        `anna  ${ALICE.uuid}  beta*, alpha (disabled)  3.00 KiB  5.00 MiB  https://alpha.example/sub/t1\n` +
        '(* from cache: that server is offline)\n',
    );
  });

  test('names servers it could not read on stderr, pending disables and ones just done on stdout; --json is the list', async () => {
    const listed: PeopleList = {
      ...LIST,
      unavailable: [{ server: 'gamma', code: 'server-offline', message: 'gamma is offline and this view was not cached before' }],
      disabledNow: [{ server: 'alpha', done: false, what: 'disabled key k1 of anna (grace period over)', code: 'server-offline', message: 'alpha does not answer' }],
      pending: [{ serverId: 's1', server: 'alpha', keyId: 'k2', uuid: ALICE.uuid, name: 'bob', dueAt: '2025-08-12T12:00:00.000Z' }],
    };
    const { core } = fakeCore({ people: { list: async () => listed } });
    const human = await runInProcess(['people', 'list'], { core });
    assert.equal(human.code, 1, 'a disable that failed is a failure');
    assert.match(human.stdout, /^Grace periods over:\n {2}alpha: FAILED disabled key k1 of anna \(grace period over\): alpha does not answer \(server-offline\)\n/);
    assert.match(human.stdout, /To be disabled:\n {2}alpha: bob \(key k2\) is disabled after 2025-08-12 12:00 UTC\n$/);
    assert.equal(human.stderr, 'warning: gamma: gamma is offline and this view was not cached before\n');
    const json = await runInProcess(['people', 'list', '--json'], { core });
    assert.deepEqual(JSON.parse(json.stdout), listed);
  });
});

describe('people add', () => {
  test('takes a name, one or more servers and the limit flags', async () => {
    const given: unknown[] = [];
    const result = await runInProcess(['people', 'add', 'anna', 'alpha', 'beta', '--limit', '50GB', '--reset', 'month'], {
      services: { people: { add: async (...args) => (given.push(args), CHANGE) } },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(given, [['anna', ['alpha', 'beta'], { data_limit_bytes: 50 * 1024 ** 3, data_limit_reset: 'month' }]]);
    assert.match(result.stdout, /^Added anna on alpha, beta:\n {2}alpha: created key "anna"\nNAME/);
  });

  test('without a server, or with a bad limit, is a usage error and opens nothing', async () => {
    for (const argv of [['people', 'add', 'anna'], ['people', 'add', 'anna', 'alpha', '--limit', 'lots']]) {
      const result = await runInProcess(argv);
      assert.equal(result.code, 2);
      assert.equal(result.coreOpened, false);
    }
  });

  test('a server that failed is reported with its code, and the exit code is 1', async () => {
    const change: PeopleChange = { people: [], outcomes: [{ server: 'beta', done: false, what: 'created key "anna"', code: 'server-offline', message: 'beta is offline' }] };
    const result = await runInProcess(['people', 'add', 'anna', 'beta'], { services: { people: { add: async () => change } } });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, 'Added anna on beta:\n  beta: FAILED created key "anna": beta is offline (server-offline)\n');
  });
});

describe('people show, servers and push', () => {
  test('show lists the keys per server, every subscription link and each vless:// link', async () => {
    const result = await runInProcess(['people', 'show', 'anna'], {
      services: { people: { show: async () => ({ person: ANNA, links: [{ server: 'beta', keyId: 'b1', vlessUrl: null }, { server: 'alpha', keyId: ALICE.id, vlessUrl: 'vless://x@alpha#anna' }] }) } },
    });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^anna \(uuid c0ffee00-1111-4222-8333-444455556666\): 3\.00 KiB used in their quota periods, 5\.00 MiB this month\n/);
    assert.match(result.stdout, /beta +b1 +anna +active .* 2025-08-04 18:30 UTC \(cache\)\n/);
    assert.match(result.stdout, /Subscription: https:\/\/alpha\.example\/sub\/t1\nEvery subscription link:\n {2}alpha: https:\/\/alpha\.example\/sub\/t1\n/);
    assert.match(result.stdout, /Links:\n {2}beta: \(not read yet; the server is offline\)\n {2}alpha: vless:\/\/x@alpha#anna\n$/);
  });

  test('servers add and remove call the core with the person and the server', async () => {
    const { core, calls } = fakeCore({ people: { addServer: async () => CHANGE, removeServer: async () => CHANGE } });
    assert.equal((await runInProcess(['people', 'servers', 'add', 'anna', 'beta'], { core })).code, 0);
    assert.equal((await runInProcess(['people', 'servers', 'remove', 'anna', 'beta', '--yes'], { core })).code, 0);
    assert.deepEqual(calls.filter((call) => call.startsWith('people.')), ['people.addServer', 'people.removeServer']);
    const wrong = await runInProcess(['people', 'servers', 'drop', 'anna', 'beta']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /people servers takes add or remove \(got 'drop'\)/);
  });

  test('push pushes the person’s bundles', async () => {
    const { core, calls } = fakeCore({ people: { pushBundles: async () => CHANGE } });
    assert.equal((await runInProcess(['people', 'push', 'anna', '--json'], { core })).code, 0);
    assert.deepEqual(calls.filter((call) => call.startsWith('people.')), ['people.pushBundles']);
  });

  test('rotate gives the person a new subscription link and names a server that kept the old one', async () => {
    const failed: PeopleChange = {
      people: [ANNA],
      outcomes: [
        { server: 'alpha', done: true, what: 'new subscription link for key k1' },
        { server: 'beta', done: false, what: 'new subscription link for key b1', code: 'server-offline', message: 'beta does not answer' },
      ],
    };
    const { core, calls } = fakeCore({ people: { rotateSubscription: async () => failed } });
    const result = await runInProcess(['people', 'rotate', 'anna'], { core });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^Gave anna a new subscription link \(the old one answers 404 now\):\n {2}alpha: new subscription link for key k1\n {2}beta: FAILED new subscription link for key b1: beta does not answer \(server-offline\)\n/);
    assert.deepEqual(calls.filter((call) => call.startsWith('people.')), ['people.rotateSubscription']);
  });
});

describe('people remove', () => {
  test('without --yes and without a terminal it deletes nothing, opens nothing, and says how (exit 2)', async () => {
    const result = await runInProcess(['people', 'remove', 'anna']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^keyport: deleting every key of anna needs --yes when there is no terminal to ask on; nothing was deleted\n/);
    assert.equal(result.coreOpened, false);
  });

  test('asks on a terminal, and only y deletes', async () => {
    const { core, calls } = fakeCore({ people: { show: async () => ({ person: ANNA, links: [] }), remove: async () => CHANGE } });
    const refused = await runInProcess(['people', 'remove', 'anna'], { core, isTTY: true, stdin: 'n\n' });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Delete anna's keys and their history on beta, alpha\? \[y\/N\] Nothing was deleted\.\n/);
    assert.ok(!calls.includes('people.remove'));
    const accepted = await runInProcess(['people', 'remove', 'anna'], { core, isTTY: true, stdin: 'y\n' });
    assert.equal(accepted.code, 0);
    assert.ok(calls.includes('people.remove'));
  });

  test('--yes deletes without asking', async () => {
    const { core, calls } = fakeCore({ people: { remove: async () => CHANGE } });
    assert.equal((await runInProcess(['people', 'remove', 'anna', '--yes'], { core })).code, 0);
    assert.deepEqual(calls.filter((call) => call.startsWith('people.')), ['people.remove']);
  });
});

describe('people move', () => {
  const result: MoveResult = {
    ...CHANGE,
    plan: [{ uuid: ALICE.uuid, name: 'anna', fromKeyId: ALICE.id, action: 'create', limits: {} }],
    pending: [{ serverId: 's1', server: 'alpha', keyId: ALICE.id, uuid: ALICE.uuid, name: 'anna', dueAt: '2025-08-12T12:00:00.000Z' }],
  };

  test('--all with --disable-after 7d asks the core for a grace period in milliseconds, and says when', async () => {
    const requests: MoveRequest[] = [];
    const run = await runInProcess(['people', 'move', '--from', 'alpha', '--to', 'beta', '--all', '--disable-after', '7d'], {
      services: { people: { move: async (request) => (requests.push(request), result) } },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(requests, [{ from: 'alpha', to: 'beta', all: true, disableAfterMs: 7 * 86_400_000 }]);
    assert.match(run.stdout, /^Moving 1 people from alpha to beta: 1 get a key there, 0 had one already\.\n/);
    assert.match(run.stdout, /To be disabled on alpha \(by the first keyport people command after that time\):\n {2}alpha: anna \(key .*\) is disabled after 2025-08-12 12:00 UTC\n$/);
  });

  test('named people with --disable-now ask for 0 ms; no disable flag asks for none', async () => {
    const requests: MoveRequest[] = [];
    const services = { people: { move: async (request: MoveRequest) => (requests.push(request), { ...result, pending: [] }) } };
    await runInProcess(['people', 'move', '--from', 'alpha', '--to', 'beta', 'anna', 'bob', '--disable-now'], { services });
    await runInProcess(['people', 'move', '--from', 'alpha', '--to', 'beta', 'anna'], { services });
    assert.deepEqual(requests, [
      { from: 'alpha', to: 'beta', people: ['anna', 'bob'], disableAfterMs: 0 },
      { from: 'alpha', to: 'beta', people: ['anna'] },
    ]);
  });

  test('refuses a line without --to, with both --all and people, both disable flags, or a bad grace period', async () => {
    for (const [argv, words] of [
      [['--from', 'alpha', '--all'], /give --from SERVER and --to SERVER/],
      [['--from', 'alpha', '--to', 'beta', '--all', 'anna'], /give --all or the people to move, one of the two/],
      [['--from', 'alpha', '--to', 'beta'], /give --all or the people to move, one of the two/],
      [['--from', 'alpha', '--to', 'beta', '--all', '--disable-now', '--disable-after', '7d'], /not both/],
      [['--from', 'alpha', '--to', 'beta', '--all', '--disable-after', 'soon'], /--disable-after must be a grace period such as 7d/],
    ] as const) {
      const run = await runInProcess(['people', 'move', ...argv]);
      assert.equal(run.code, 2, argv.join(' '));
      assert.match(run.stderr, words);
      assert.equal(run.coreOpened, false);
    }
  });

  test('an error of the core goes through the CLI’s wording, with its hint', async () => {
    const run = await runInProcess(['people', 'move', '--from', 'alpha', '--to', 'nowhere', '--all'], {
      services: { people: { move: async () => { throw new KeyportError('not-found', 'no server named "nowhere"', { unknownServer: 'nowhere' }); } } },
    });
    assert.equal(run.code, 6);
    assert.equal(run.stderr, 'keyport: no server named "nowhere"\n  (keyport server list shows the servers)\n');
  });
});
