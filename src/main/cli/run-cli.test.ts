import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fakeCore } from './testing/fake-core.ts';
import { runInProcess } from './testing/run-in-process.ts';

const BAD_LINES: string[][] = [
  [],
  ['nonsense'],
  ['server'],
  ['server', 'frobnicate'],
  ['server', 'add'],
  ['server', 'add', 'alpha'],
  ['server', 'add', 'alpha', '--host', 'h', '--alias', 'a'],
  ['server', 'add', 'alpha', '--alias', 'a', '--port', '2222'],
  ['server', 'add', 'alpha', '--host', 'h', '--port', 'ssh'],
  ['server', 'add', 'alpha', '--host', 'h', '--port', '70000'],
  ['server', 'add', 'alpha', '--host', 'h', '--key', 'k', '--agent'],
  ['server', 'add', 'alpha', '--host', 'h', '--agent', '--password-stdin'],
  ['server', 'add', 'alpha', 'beta', '--host', 'h'],
  ['server', 'list', 'extra'],
  ['server', 'list', '--verbose'],
  ['server', 'status', 'a', 'b'],
  ['server', 'remove'],
  ['server', 'deploy'],
  ['server', 'deploy', 'alpha', '--force'],
  ['server', 'uninstall'],
  ['server', 'uninstall', 'alpha', '--delete-data=yes'],
  ['keys'],
  ['keys', 'list'],
  ['keys', 'create', 'alpha'],
  ['keys', 'delete', 'alpha'],
  ['keys', 'delete', 'alpha', 'k', '--json'],
  ['keys', 'enable', 'alpha'],
  ['keys', 'disable', 'alpha'],
  ['keys', 'config', 'alpha'],
  ['keys', 'qr', 'alpha'],
  ['keys', 'qr', 'alpha', 'k', '--png', 'a.png', '--svg', 'a.svg'],
  ['keys', 'qr', 'alpha', 'k', '--png'],
  ['traffic'],
  ['traffic', 'live'],
  ['traffic', 'history'],
  ['traffic', 'history', 'alpha', 'k', 'extra'],
  ['traffic', 'daily'],
  ['traffic', 'daily', 'alpha', '2025-13-01'],
  ['traffic', 'daily', 'alpha', 'yesterday'],
  ['traffic', 'daily', 'alpha', '2025-02-30'],
  ['traffic', 'monthly'],
  ['traffic', 'monthly', 'alpha', '--month', '2025-8'],
  ['traffic', 'monthly', 'alpha', '--month', '2025-00'],
  ['traffic', 'monthly', 'alpha', '--key'],
  ['tunnel'],
  ['tunnel', 'alpha', '--port', '0'],
  ['tunnel', 'alpha', '--port'],
];

describe('command lines that do not fit the usage', () => {
  for (const argv of BAD_LINES) {
    test(`keyport ${argv.join(' ')} exits 2 with a usage on stderr and never opens the core`, async () => {
      const { core, calls } = fakeCore();
      const result = await runInProcess(argv, { core });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^keyport: .+\n/);
      assert.match(result.stderr, /keyport (server|keys|traffic|tunnel)|commands: /);
      assert.equal(result.stdout, '');
      assert.equal(result.coreOpened, false);
      assert.deepEqual(calls, []);
    });
  }

  test('an unknown flag is named in the message', async () => {
    const result = await runInProcess(['keys', 'list', 'alpha', '--jsno']);
    assert.match(result.stderr, /^keyport: Unknown option '--jsno'\nusage:\n {2}keyport keys list SERVER \[--status STATUS\[,\.\.\.\]\] \[--expiring 7d\] \[--over 80%\] \[--sort COLUMN\] \[--json\]\n$/);
  });

  test('a missing argument is named in the message', async () => {
    const result = await runInProcess(['keys', 'delete', 'alpha']);
    assert.match(result.stderr, /^keyport: missing KEY\n/);
  });
});

describe('help', () => {
  test('keyport help prints every command, the exit codes and the environment on stdout', async () => {
    for (const word of ['help', '--help', '-h']) {
      const result = await runInProcess([word]);
      assert.equal(result.code, 0);
      assert.equal(result.coreOpened, false);
      for (const usage of ['server add NAME', 'server uninstall NAME [--delete-data [--yes]]', 'keys delete SERVER KEY [--yes]', 'server remove NAME [--yes]', 'keys qr SERVER KEY', 'traffic monthly SERVER', 'tunnel SERVER']) {
        assert.ok(result.stdout.includes(`keyport ${usage}`), usage);
      }
      assert.match(result.stdout, /Exit codes\n {2}0 {2}done\n {2}1 .*\n {2}2 .*\n {2}3 {2}the server is offline/);
      assert.match(result.stdout, /KEYPORT_HOME/);
      assert.match(result.stdout, /KEYPORT_SSH_SECRET/);
    }
  });

  test('--help after a command prints that command’s usage and runs nothing', async () => {
    const result = await runInProcess(['keys', 'create', '--help']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, 'usage:\n  keyport keys create SERVER NAME [--limit SIZE] [--reset PERIOD] [--expires WHEN] [--note TEXT] [--json]\n');
    assert.equal(result.coreOpened, false);
  });

  test('a group’s --help and `help GROUP` list the group’s commands', async () => {
    const direct = await runInProcess(['traffic', '--help']);
    assert.equal(direct.code, 0);
    assert.equal((await runInProcess(['help', 'traffic'])).stdout, direct.stdout);
    assert.equal(direct.stdout.split('\n').filter((line) => line.startsWith('  keyport traffic ')).length, 4);
  });
});

describe('the core', () => {
  test('is opened for a command that parsed and closed after it', async () => {
    const { core, calls } = fakeCore({ fleet: { list: async () => [] } });
    const result = await runInProcess(['server', 'list'], { core });
    assert.equal(result.code, 0);
    assert.deepEqual(calls, ['fleet.list', 'close']);
  });

  test('is closed after a failing command too', async () => {
    const { core, calls } = fakeCore({
      fleet: {
        list: async () => {
          throw new Error('boom');
        },
      },
    });
    const result = await runInProcess(['server', 'list'], { core });
    assert.equal(result.code, 1);
    assert.deepEqual(calls, ['fleet.list', 'close']);
  });
});
