import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeyportError, type KeyportErrorCode } from '../../shared/contract/errors.ts';
import { fakeCore } from './testing/fake-core.ts';
import { runInProcess } from './testing/run-in-process.ts';

const failingList = (error: unknown) =>
  fakeCore({
    keys: {
      list: async () => {
        throw error;
      },
    },
  }).core;

const EXPECTED_EXIT: [KeyportErrorCode, number][] = [
  ['server-offline', 3],
  ['host-key-unknown', 4],
  ['host-key-changed', 4],
  ['auth-failed', 5],
  ['sudo-password-required', 5],
  ['not-found', 6],
  ['bad-input', 1],
  ['agent-not-deployed', 1],
  ['agent-error', 1],
  ['deploy-failed', 1],
  ['unsupported-server', 1],
  ['ssh-alias-unknown', 1],
  ['ssh-key-unusable', 5],
];

describe('errors from the core', () => {
  for (const [code, exit] of EXPECTED_EXIT) {
    test(`${code} exits ${exit}`, async () => {
      const result = await runInProcess(['keys', 'list', 'alpha'], { core: failingList(new KeyportError(code, `it went ${code}`)) });
      assert.equal(result.code, exit);
      assert.ok(result.stderr.startsWith(`keyport: it went ${code}\n`), result.stderr);
      assert.equal(result.stdout, '');
    });
  }

  test('with --json the error also goes to stdout as {"error": {code, message, facts}}', async () => {
    const error = new KeyportError('server-offline', 'alpha is offline: connect ETIMEDOUT', { server: 'alpha', attempts: 2 });
    const result = await runInProcess(['keys', 'list', 'alpha', '--json'], { core: failingList(error) });
    assert.equal(result.code, 3);
    assert.deepEqual(JSON.parse(result.stdout), {
      error: { code: 'server-offline', message: 'alpha is offline: connect ETIMEDOUT', facts: { server: 'alpha', attempts: 2 } },
    });
    assert.match(result.stderr, /^keyport: alpha is offline/);
  });

  test('facts the message does not mention are listed under it', async () => {
    const error = new KeyportError('host-key-changed', 'the host key of beta changed', { accepted: 'SHA256:old', presented: 'SHA256:new', server: 'beta' });
    const result = await runInProcess(['keys', 'list', 'beta'], { core: failingList(error) });
    assert.equal(
      result.stderr,
      'keyport: the host key of beta changed\n  accepted: SHA256:old\n  presented: SHA256:new\n' +
        '  (once you checked it on the server: keyport server trust beta --accept-host-key SHA256:new)\n',
    );
  });

  test('a known server whose host key was never accepted gets the same trust hint', async () => {
    const error = new KeyportError('host-key-unknown', 'the host key of beta is not accepted yet', { fingerprint: 'SHA256:new', server: 'beta' });
    const result = await runInProcess(['keys', 'list', 'beta'], { core: failingList(error) });
    assert.equal(result.code, 4);
    assert.match(result.stderr, /\(once you checked it on the server: keyport server trust beta --accept-host-key SHA256:new\)\n$/);
  });

  test('anything else exits 1 as "unexpected"', async () => {
    const result = await runInProcess(['keys', 'list', 'alpha', '--json'], { core: failingList(new TypeError('x is undefined')) });
    assert.equal(result.code, 1);
    assert.deepEqual(JSON.parse(result.stdout), { error: { code: 'unexpected', message: 'x is undefined', facts: {} } });
  });

  test('an offline server is called offline on stderr, whatever the message says', async () => {
    const { core } = fakeCore({
      keys: {
        create: async () => {
          throw new KeyportError('server-offline', 'Cannot reach root@203.0.113.7:22: connect ECONNREFUSED');
        },
      },
    });
    const result = await runInProcess(['keys', 'create', 'alpha', 'carol'], { core });
    assert.equal(result.code, 3);
    assert.equal(
      result.stderr,
      'keyport: Cannot reach root@203.0.113.7:22: connect ECONNREFUSED\n  (server offline: reads come from the local cache; changes need the server)\n',
    );
  });

  test('the core’s face-neutral errors get the CLI command that helps next', async () => {
    const notDeployed = await runInProcess(['keys', 'list', 'alpha'], {
      core: failingList(new KeyportError('agent-not-deployed', 'the Keyport agent is not deployed on alpha yet: deploy it first', { server: 'alpha' })),
    });
    assert.equal(notDeployed.stderr, 'keyport: the Keyport agent is not deployed on alpha yet: deploy it first\n  (keyport server deploy alpha deploys it)\n');
    const unknownServer = await runInProcess(['keys', 'list', 'gamma'], {
      core: failingList(new KeyportError('not-found', 'no server named "gamma"', { unknownServer: 'gamma' })),
    });
    assert.equal(unknownServer.stderr, 'keyport: no server named "gamma"\n  (keyport server list shows the servers)\n');
    const unknownKey = await runInProcess(['keys', 'list', 'alpha'], { core: failingList(new KeyportError('not-found', 'no such key', { httpStatus: 404 })) });
    assert.equal(unknownKey.stderr, 'keyport: no such key\n  httpStatus: 404\n');
  });

  test('bad input the core names by facts gets the CLI flags that give what is missing', async () => {
    const cases: [KeyportError, string][] = [
      [new KeyportError('bad-input', 'a server needs a host name or an ssh config alias', { missing: 'host' }), '--host HOST or --alias HOSTALIAS'],
      [
        new KeyportError('bad-input', 'no way to log in: no credentials given, no key file found, no ssh-agent running', { missing: 'credentials' }),
        '--key FILE, --agent (with ssh-agent running) or --password-stdin',
      ],
      [new KeyportError('bad-input', 'local port 8000 is in use', { localPort: 8000 }), 'pick another with --port'],
    ];
    for (const [error, hint] of cases) {
      const result = await runInProcess(['keys', 'list', 'alpha'], { core: failingList(error) });
      assert.equal(result.code, 1);
      assert.ok(result.stderr.startsWith(`keyport: ${error.message}\n`), result.stderr);
      assert.ok(result.stderr.includes(hint), result.stderr);
    }
  });
});

describe('SSH alias and key file errors', () => {
  test('an unknown alias says so and how to fix it, not which flags the command takes', async () => {
    const error = new KeyportError('ssh-alias-unknown', 'no Host berlim in ~/.ssh/config', { alias: 'berlim', configPath: '~/.ssh/config', configFound: true });
    const result = await runInProcess(['server', 'add', 'berlin', '--alias', 'berlim'], { services: { fleet: { probeHostKey: async () => Promise.reject(error) } } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^keyport: no Host berlim in ~\/\.ssh\/config\n/);
    assert.match(result.stderr, /\(add a "Host berlim" block with its HostName to ~\/\.ssh\/config, or give the address with --host HOST instead of --alias\)\n$/);
    const russian = await runInProcess(['server', 'add', 'berlin', '--alias', 'berlim'], { services: { fleet: { probeHostKey: async () => Promise.reject(error) } }, env: { LANG: 'ru_RU.UTF-8' } });
    assert.match(russian.stderr, /^keyport: нет такого псевдонима SSH: no Host berlim in ~\/\.ssh\/config\n[^]*\(добавьте в ~\/\.ssh\/config блок "Host berlim"/);
  });

  test('a key file that cannot be used says what is wrong with it and exits 5, with no retry', async () => {
    const hints: Record<string, RegExp> = {
      missing: /check the path/,
      unreadable: /chmod 600/,
      'not-a-private-key': /without \.pub/,
      'passphrase-needed': /KEYPORT_SSH_SECRET/,
      'passphrase-wrong': /the key's own passphrase/,
    };
    for (const [problem, hint] of Object.entries(hints)) {
      const error = new KeyportError('ssh-key-unusable', `The SSH private key /home/ann/.ssh/id_x cannot be used: (${problem})`, { file: '/home/ann/.ssh/id_x', problem });
      const result = await runInProcess(['keys', 'list', 'alpha'], { core: failingList(error) });
      assert.equal(result.code, 5, problem);
      assert.match(result.stderr, hint, problem);
      assert.doesNotMatch(result.stderr, /tries again/);
    }
  });
});
