import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PeopleChange, Person } from '../../shared/contract/people.ts';
import { fakeCore, type FakeCoreParts } from './testing/fake-core.ts';
import { ALICE, live } from './testing/fixtures.ts';
import { runInProcess, type InProcessOptions } from './testing/run-in-process.ts';

const ANNA: Person = {
  uuid: ALICE.uuid,
  name: 'anna',
  keys: [{ serverId: 's1', server: 'alpha', key: { ...ALICE, name: 'anna' }, source: 'live', syncedAt: '2025-08-05T12:00:00.000Z' }],
  usedBytes: 0,
  monthBytes: 0,
  subscriptionUrl: null,
  subscriptionUrls: [],
};
const CHANGE: PeopleChange = { people: [], outcomes: [{ server: 'alpha', done: true, what: 'deleted key "anna"' }] };

interface Deletion {
  argv: string[];
  /** The core's services the command reads and the one call that deletes. */
  services: FakeCoreParts;
  deletes: string;
  /** What it asks on a terminal, in English. */
  question: string;
  /** What its refusal without a terminal names. */
  refusal: string;
}

/** Every command that deletes for good, with what it asks. */
const DELETIONS: Deletion[] = [
  {
    argv: ['keys', 'delete', 'alpha', 'alice@example.com'],
    services: { keys: { list: async () => live([ALICE]), remove: async () => undefined } },
    deletes: 'keys.remove',
    question: `Delete key alice@example.com (id ${ALICE.id}) and its traffic history on alpha? [y/N] `,
    refusal: 'deleting key alice@example.com and its traffic history on alpha needs --yes',
  },
  {
    argv: ['server', 'uninstall', 'alpha', '--delete-data'],
    services: { deploy: { uninstall: async () => undefined } },
    deletes: 'deploy.uninstall',
    question: 'Uninstall the agent from alpha and delete its data there (keys, traffic history, API key) for good? [y/N] ',
    refusal: "deleting the agent's data on alpha needs --yes",
  },
  {
    argv: ['server', 'remove', 'alpha'],
    services: { fleet: { remove: async () => undefined } },
    deletes: 'fleet.remove',
    question: 'Remove alpha from this console, with its cached keys and traffic history? The agent there keeps running. [y/N] ',
    refusal: 'removing alpha with its cached keys and history from this console needs --yes',
  },
  {
    argv: ['people', 'remove', 'anna'],
    services: { people: { show: async () => ({ person: ANNA, links: [] }), remove: async () => CHANGE } },
    deletes: 'people.remove',
    question: "Delete anna's keys and their history on alpha? [y/N] ",
    refusal: 'deleting every key of anna needs --yes',
  },
  {
    argv: ['people', 'servers', 'remove', 'anna', 'alpha'],
    services: { people: { removeServer: async () => CHANGE } },
    deletes: 'people.removeServer',
    question: "Delete anna's key and its traffic history on alpha? [y/N] ",
    refusal: "deleting anna's key on alpha needs --yes",
  },
];

async function run(deletion: Deletion, extra: string[], options: InProcessOptions = {}) {
  const { core, calls } = fakeCore(deletion.services);
  const result = await runInProcess([...deletion.argv, ...extra], { core, ...options });
  return { ...result, deleted: calls.includes(deletion.deletes) };
}

for (const deletion of DELETIONS) {
  describe(`keyport ${deletion.argv.join(' ')}`, () => {
    test('without a terminal and without --yes: refused with exit 2 before anything is opened, nothing deleted', async () => {
      const result = await run(deletion, []);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.coreOpened, false);
      assert.equal(result.deleted, false);
      assert.ok(result.stderr.startsWith(`keyport: ${deletion.refusal} when there is no terminal to ask on; nothing was deleted\n`), result.stderr);
    });

    test('--yes deletes without asking, terminal or not', async () => {
      for (const isTTY of [false, true]) {
        const result = await run(deletion, ['--yes'], { isTTY });
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.deleted, true);
        assert.ok(!result.stderr.includes('[y/N]'), result.stderr);
      }
    });

    test('on a terminal it asks: y (or yes) deletes', async () => {
      for (const answer of ['y\n', 'YES\n']) {
        const result = await run(deletion, [], { isTTY: true, stdin: answer });
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.deleted, true);
        assert.ok(result.stderr.startsWith(deletion.question), result.stderr);
      }
    });

    test('on a terminal, n, an empty line or the end of input deletes nothing (exit 1)', async () => {
      for (const answer of ['n\n', '\n', 'sure\n', undefined]) {
        const result = await run(deletion, [], { isTTY: true, ...(answer === undefined ? {} : { stdin: answer }) });
        assert.equal(result.code, 1, result.stderr);
        assert.equal(result.deleted, false, JSON.stringify(answer));
        assert.equal(result.stderr, `${deletion.question}Nothing was deleted.\n`);
      }
    });
  });
}

describe('in a Russian locale', () => {
  const RUSSIAN = { LANG: 'ru_RU.UTF-8' };
  const keysDelete = DELETIONS[0]!;

  test('the question is Russian, and д deletes', async () => {
    const result = await run(keysDelete, [], { isTTY: true, stdin: 'д\n', env: RUSSIAN });
    assert.equal(result.deleted, true);
    assert.ok(result.stderr.startsWith(`Удалить ключ alice@example.com (id ${ALICE.id}) и историю его трафика на alpha? [y/N] `), result.stderr);
    const declined = await run(keysDelete, [], { isTTY: true, stdin: 'нет\n', env: RUSSIAN });
    assert.equal(declined.deleted, false);
    assert.match(declined.stderr, /Ничего не удалено\.\n$/);
  });

  test('the refusal without a terminal is Russian', async () => {
    const result = await run(keysDelete, [], { env: RUSSIAN });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^keyport: отклонено: удаление ключа alice@example\.com и истории его трафика на alpha требует --yes, когда спросить негде \(нет терминала\); ничего не удалено\n/);
  });
});

test('uninstall without --delete-data keeps the data and asks nothing', async () => {
  const { core, calls } = fakeCore({ deploy: { uninstall: async () => undefined } });
  const result = await runInProcess(['server', 'uninstall', 'alpha'], { core });
  assert.equal(result.code, 0, result.stderr);
  assert.ok(calls.includes('deploy.uninstall'));
});
