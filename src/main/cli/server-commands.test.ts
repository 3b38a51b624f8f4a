import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { DeployOptions, DeployProgress, DeployResult, XrayInstallRequest, XrayInstallResult } from '../../shared/contract/deploy.ts';
import { deployNote } from '../../shared/contract/deploy-notes.ts';
import { KeyportError } from '../../shared/contract/errors.ts';
import type { AddServerRequest, ServerStatus, SshTarget } from '../../shared/contract/servers.ts';
import { fakeCore } from './testing/fake-core.ts';
import { DEPLOYED, PROBE, SERVER } from './testing/fixtures.ts';
import { runInProcess } from './testing/run-in-process.ts';

const WRONG = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function fleetForAdd() {
  const probed: (SshTarget | { sshAlias: string })[] = [];
  const added: AddServerRequest[] = [];
  const fake = fakeCore({
    fleet: {
      probeHostKey: async (target) => (probed.push(target), PROBE),
      add: async (request) => (added.push(request), SERVER),
    },
  });
  return { ...fake, probed, added };
}

describe('server add', () => {
  const byHost = ['server', 'add', 'alpha', '--host', '203.0.113.7', '--key', '/home/ann/.ssh/id_ed25519'];

  test('adds the server with the probed fingerprint once --accept-host-key matches it', async () => {
    const { core, probed, added } = fleetForAdd();
    const result = await runInProcess([...byHost, '--accept-host-key', PROBE.fingerprint], { core });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(probed, [{ host: '203.0.113.7', port: 22, user: 'root', auth: { method: 'key', keyPath: '/home/ann/.ssh/id_ed25519' }, proxyJump: [] }]);
    assert.equal(added.length, 1);
    assert.equal(added[0]!.acceptedFingerprint, PROBE.fingerprint);
    assert.equal(added[0]!.acceptedJumpFingerprints, undefined);
    assert.deepEqual([added[0]!.host, added[0]!.port, added[0]!.user], ['203.0.113.7', 22, 'root']);
    assert.ok(result.stderr.includes(`The host key of alpha (203.0.113.7:22) is ssh-ed25519 ${PROBE.fingerprint}`));
    assert.match(result.stdout, /^Added alpha \(root@203\.0\.113\.7:22\), id .*\nNext: keyport server deploy alpha\n$/);
  });

  test('refuses a fingerprint that differs from the probed one, names both, adds nothing (exit 4)', async () => {
    const { core, calls } = fleetForAdd();
    const result = await runInProcess([...byHost, '--accept-host-key', WRONG], { core });
    assert.equal(result.code, 4);
    assert.ok(result.stderr.includes(PROBE.fingerprint));
    assert.ok(result.stderr.includes(WRONG));
    assert.deepEqual(calls, ['fleet.probeHostKey', 'close']);
  });

  test('without a terminal and without --accept-host-key, refuses and says what to pass', async () => {
    const { core, calls } = fleetForAdd();
    const result = await runInProcess(byHost, { core, isTTY: false });
    assert.equal(result.code, 4);
    assert.ok(result.stderr.includes(`pass --accept-host-key ${PROBE.fingerprint}`), result.stderr);
    assert.deepEqual(calls, ['fleet.probeHostKey', 'close']);
  });

  test('on a terminal, asks and adds after a yes', async () => {
    const { core, added } = fleetForAdd();
    const result = await runInProcess(byHost, { core, isTTY: true, stdin: 'yes\n' });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Accept and add\? \[y\/N\] /);
    assert.equal(added[0]!.acceptedFingerprint, PROBE.fingerprint);
  });

  test('on a terminal, a no adds nothing', async () => {
    const { core, calls } = fleetForAdd();
    const result = await runInProcess(byHost, { core, isTTY: true, stdin: 'n\n' });
    assert.equal(result.code, 4);
    assert.deepEqual(calls, ['fleet.probeHostKey', 'close']);
  });

  test('by ~/.ssh/config alias: probes the alias and leaves host, port and auth to it', async () => {
    const { core, probed, added } = fleetForAdd();
    const result = await runInProcess(['server', 'add', 'beta', '--alias', 'beta-vps', '--accept-host-key', PROBE.fingerprint], { core });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(probed, [{ sshAlias: 'beta-vps' }]);
    assert.deepEqual(
      { ...added[0] },
      { name: 'beta', sshAlias: 'beta-vps', host: undefined, port: undefined, user: undefined, auth: undefined, secret: undefined, acceptedFingerprint: PROBE.fingerprint, acceptedJumpFingerprints: undefined },
    );
    assert.ok(result.stderr.includes(`The host key of beta (alias beta-vps) is`));
  });

  test('--password-stdin reads one line as the password, passes it on and never prints it', async () => {
    const { core, added } = fleetForAdd();
    const result = await runInProcess(
      ['server', 'add', 'alpha', '--host', 'h', '--port', '2222', '--user', 'admin', '--password-stdin', '--accept-host-key', PROBE.fingerprint],
      { core, stdin: 'hunter2 secret\nnext line\n' },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(added[0]!.secret, 'hunter2 secret');
    assert.deepEqual(added[0]!.auth, { method: 'password' });
    assert.deepEqual([added[0]!.port, added[0]!.user], [2222, 'admin']);
    assert.ok(!(result.stdout + result.stderr).includes('hunter2'));
  });

  test('--password-stdin with nothing on stdin fails before connecting', async () => {
    const { core, calls } = fleetForAdd();
    const result = await runInProcess(['server', 'add', 'alpha', '--host', 'h', '--password-stdin'], { core, stdin: '' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no password came on stdin/);
    assert.deepEqual(calls, ['close']);
  });
});

describe('server list and status', () => {
  test('list prints a table, or the servers as JSON', async () => {
    const { core } = fakeCore({ fleet: { list: async () => [SERVER] } });
    const human = await runInProcess(['server', 'list'], { core });
    assert.match(human.stdout, /^NAME +ADDRESS +AGENT +LAST SYNCED +ID\nalpha +root@203\.0\.113\.7:22 +2\.1\.3 +2025-08-05 11:58 UTC +0b7c6a52/);
    const json = await runInProcess(['server', 'list', '--json'], { core });
    assert.deepEqual(JSON.parse(json.stdout), [SERVER]);
  });

  test('status NAME --json prints that server’s status; status alone covers every server', async () => {
    const status: ServerStatus = { server: SERVER, state: 'offline', reason: 'connect ETIMEDOUT', agentVersion: '2.1.3', agentOutdated: true, xrayVersion: null, xrayVersionSupport: null, keyCount: 3, activeKeyCount: 2, keyLimits: null, xray: null, portCheck: null, problems: [] };
    const { core, calls } = fakeCore({ fleet: { list: async () => [SERVER], status: async () => status } });
    const one = await runInProcess(['server', 'status', 'alpha', '--json'], { core });
    assert.equal(one.code, 0);
    assert.deepEqual(JSON.parse(one.stdout), status);
    const all = await runInProcess(['server', 'status'], { core });
    assert.match(all.stdout, /^NAME +STATE +AGENT +XRAY +KEYS +ACTIVE +LIMITED +EXPIRED +EXPIRING 7D +REASON\nalpha +offline +2\.1\.3 \(outdated\) +- +3 +2 +- +- +- +connect ETIMEDOUT\n$/);
    assert.deepEqual(calls, ['fleet.status', 'close', 'fleet.list', 'fleet.status', 'close']);
  });

  test('status says when Xray is too old for the agent or newer than the version Keyport was checked against', async () => {
    const bounds = { minimum: '1.8.12', checked: '26.7.28' };
    const online = (xrayVersion: string, support: 'ok' | 'too-old' | 'newer-than-checked'): ServerStatus => ({
      server: SERVER, state: 'online', reason: null, agentVersion: '2.1.3', agentOutdated: false,
      xrayVersion, xrayVersionSupport: { version: xrayVersion, support, ...bounds }, keyCount: 0, activeKeyCount: 0, keyLimits: null,
      xray: null, portCheck: null, problems: [],
    });
    for (const [status, column] of [
      [online('26.7.28', 'ok'), '26.7.28'],
      [online('1.8.4', 'too-old'), '1.8.4 (too old: needs 1.8.12+)'],
      [online('26.9.1', 'newer-than-checked'), '26.9.1 (newer than checked 26.7.28)'],
    ] as const) {
      const { core } = fakeCore({ fleet: { list: async () => [SERVER], status: async () => status } });
      const run = await runInProcess(['server', 'status', 'alpha'], { core });
      assert.match(run.stdout.split('\n')[1]!, new RegExp(`^alpha +online +2\\.1\\.3 +${column.replace(/[.()+]/g, '\\$&')} +0 +0`));
    }
  });
});

/** `keyport server VERB alpha` against a core whose fleet.VERB keeps the server names it is given. */
async function runFleetCall(verb: 'remove' | 'sync') {
  const seen: string[] = [];
  const record = async (server: string) => void seen.push(server);
  const { core } = fakeCore({ fleet: verb === 'remove' ? { remove: record } : { sync: record } });
  return { run: await runInProcess(['server', verb, 'alpha', ...(verb === 'remove' ? ['--yes'] : [])], { core }), seen };
}

const NFT_DROPS = deployNote('firewallFound', { found: [deployNote('nftablesChainDrops', { family: 'inet', table: 'filter', chain: 'input' })] });

describe('server deploy and uninstall', () => {
  const steps: DeployProgress[] = [
    { step: 'upload-runtime', state: 'skipped', notes: [deployNote('runtimePresent', { version: 'v24.21.0' })] },
    { step: 'health-check', state: 'done', notes: [deployNote('agentAnswers')] },
  ];
  const result = DEPLOYED;
  const deployCore = (outcome: DeployResult, options: DeployOptions[] = []) =>
    fakeCore({
      deploy: {
        deploy: async (_server, given, onProgress) => {
          options.push(given ?? {});
          steps.forEach((step) => onProgress?.(step));
          return outcome;
        },
      },
    }).core;

  test('deploy --key-ports FROM-TO hands the range to the core; a malformed one is a usage error', async () => {
    const options: DeployOptions[] = [];
    assert.equal((await runInProcess(['server', 'deploy', 'alpha', '--key-ports', '20000-24999'], { core: deployCore(result, options) })).code, 0);
    assert.deepEqual(options, [{ keyPorts: { from: 20000, to: 24999 } }]);
    for (const bad of ['20000', '20000-', 'a-b', '20000-70000']) {
      const run = await runInProcess(['server', 'deploy', 'alpha', '--key-ports', bad], { core: deployCore(result, options) });
      assert.equal(run.code, 2, bad);
      assert.match(run.stderr, /--key-ports must be/);
    }
    assert.equal(options.length, 1);
  });

  test('deploy streams [step] message lines, then says what was deployed', async () => {
    const run = await runInProcess(['server', 'deploy', 'alpha'], { core: deployCore(result) });
    assert.equal(run.code, 0);
    assert.equal(
      run.stdout,
      '[upload-runtime] skipped: Node v24.21.0 already there\n[health-check] the agent answers\n' +
        'Deployed agent 2.1.3 (release 20250805-120000) on alpha: Debian 12 x64, systemd; Node runtime already there.\n',
    );
  });

  test("deploy's progress lines speak the CLI's language; a failed step leads with its words for the code", async () => {
    const failed: DeployProgress = { step: 'start', state: 'failed', notes: [], failure: { code: 'server-offline', message: 'connect ECONNREFUSED 127.0.0.1:22', facts: {} } };
    const core = fakeCore({
      deploy: {
        deploy: async (_server, _given, onProgress) => {
          [...steps, failed].forEach((step) => onProgress?.(step));
          return result;
        },
      },
    }).core;
    const run = await runInProcess(['server', 'deploy', 'alpha'], { core, env: { LANG: 'ru_RU.UTF-8' } });
    const lines = run.stdout.split('\n').filter((line) => line.startsWith('['));
    assert.deepEqual(lines.slice(0, 2), ['[upload-runtime] пропущено: Node v24.21.0 уже на месте', '[health-check] агент отвечает']);
    assert.match(lines[2]!, /^\[start\] не удалось: [А-Яа-яЁё].*: connect ECONNREFUSED 127\.0\.0\.1:22$/);
  });

  test('deploy --json prints the result on stdout and the progress as JSON lines on stderr, each with its English message', async () => {
    const run = await runInProcess(['server', 'deploy', 'alpha', '--json'], { core: deployCore(result), env: { LANG: 'ru_RU.UTF-8' } });
    assert.deepEqual(JSON.parse(run.stdout), result);
    assert.deepEqual(
      run.stderr.trim().split('\n').map((line) => JSON.parse(line)),
      [
        { ...steps[0], message: 'Node v24.21.0 already there' },
        { ...steps[1], message: 'the agent answers' },
      ],
    );
  });

  test('deploy ends with the commands still to run when the host firewall could not be opened', async () => {
    const hostFirewall = { found: NFT_DROPS, opened: null, todo: ['nft insert rule inet filter input tcp dport 10001-29999 accept'] };
    const run = await runInProcess(['server', 'deploy', 'alpha'], { core: deployCore({ ...result, hostFirewall }) });
    assert.equal(run.code, 0);
    assert.equal(
      run.stderr,
      'keyport: the key ports of alpha will not answer until this is run as root on it (nftables inet filter input drops):\n' +
        '  nft insert rule inet filter input tcp dport 10001-29999 accept\n',
    );
    const opened = await runInProcess(['server', 'deploy', 'alpha'], { core: deployCore({ ...result, hostFirewall: { found: deployNote('firewallFound', { found: [deployNote('ufwActive')] }), opened: 'ufw allow 10001:29999/tcp comment keyport', todo: [] } }) });
    assert.equal(opened.stderr, '');
  });

  test('a deploy that was rolled back exits 1 and says so', async () => {
    const run = await runInProcess(['server', 'deploy', 'alpha'], { core: deployCore({ ...result, rolledBack: true }) });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /rolled back/);
    assert.doesNotMatch(run.stdout, /Deployed/);
  });

  test('a deploy refused by another console\'s lock names who and since when, and the --break-lock that takes it', async () => {
    const locked = new KeyportError('deploy-locked', 'another deploy or uninstall is running on this server: its lock is held by the Keyport console on laptop-b since 2026-12-01T17:00:00Z', {
      owner: 'laptop-b',
      ownerConsole: '3f0c1e7a-0000-4000-8000-000000000001',
      since: '2026-12-01T17:00:00Z',
      idleSeconds: 12,
      operation: 'deploy',
      server: 'alpha',
    });
    const options: DeployOptions[] = [];
    const { core } = fakeCore({
      deploy: {
        deploy: async (_server, given) => {
          options.push(given ?? {});
          if (!given?.breakLock) throw locked;
          return result;
        },
      },
    });
    const refused = await runInProcess(['server', 'deploy', 'alpha'], { core });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /laptop-b since 2026-12-01T17:00:00Z/);
    assert.match(refused.stderr, /\(if no deploy or uninstall is running there any more .*: keyport server deploy alpha --break-lock\)/);
    const broken = await runInProcess(['server', 'deploy', 'alpha', '--break-lock'], { core });
    assert.equal(broken.code, 0, broken.stderr);
    assert.deepEqual(options.map((given) => given.breakLock), [undefined, true]);
  });

  test('uninstall --break-lock hands breakLock to the core; its refusal names uninstall', async () => {
    const seen: unknown[] = [];
    const { core } = fakeCore({
      deploy: {
        uninstall: async (_server, options) => {
          seen.push(options);
          if (!options.breakLock) throw new KeyportError('deploy-locked', 'locked', { owner: null, since: null, operation: 'uninstall', server: 'alpha' });
        },
      },
    });
    const refused = await runInProcess(['server', 'uninstall', 'alpha'], { core });
    assert.match(refused.stderr, /keyport server uninstall alpha --break-lock/);
    assert.equal((await runInProcess(['server', 'uninstall', 'alpha', '--break-lock'], { core })).code, 0);
    assert.deepEqual(seen, [{ keepData: true }, { keepData: true, breakLock: true }]);
  });

  test('uninstall keeps the data unless --delete-data, and says which', async () => {
    const seen: boolean[] = [];
    const { core } = fakeCore({ deploy: { uninstall: async (_server, options) => void seen.push(options.keepData) } });
    const kept = await runInProcess(['server', 'uninstall', 'alpha'], { core });
    assert.match(kept.stdout, /data .* is kept on the server; --delete-data removes it/);
    const deleted = await runInProcess(['server', 'uninstall', 'alpha', '--delete-data', '--yes'], { core });
    assert.match(deleted.stdout, /deleted its data/);
    assert.deepEqual(seen, [true, false]);
  });

  test('remove --yes removes the server from keyport', async () => {
    const { run, seen } = await runFleetCall('remove');
    assert.equal(run.code, 0);
    assert.deepEqual(seen, ['alpha']);
  });

  test('sync refreshes that server’s cache; offline it exits 3', async () => {
    const { run, seen } = await runFleetCall('sync');
    assert.equal(run.code, 0);
    assert.deepEqual(seen, ['alpha']);
    const offline = fakeCore({
      fleet: {
        sync: async () => {
          throw new KeyportError('server-offline', 'alpha is offline');
        },
      },
    });
    assert.equal((await runInProcess(['server', 'sync', 'alpha'], { core: offline.core })).code, 3);
  });

  test('an offline server exits 3', async () => {
    const { core } = fakeCore({
      deploy: {
        deploy: async () => {
          throw new KeyportError('server-offline', 'alpha (203.0.113.7:22) does not answer');
        },
      },
    });
    const run = await runInProcess(['server', 'deploy', 'alpha'], { core });
    assert.equal(run.code, 3);
  });
});

describe('server install-xray', () => {
  const progress: DeployProgress[] = [
    {
      step: 'download-xray',
      state: 'started',
      notes: [deployNote('downloadingXray', { release: deployNote('xrayReleaseOther', { version: 'v25.10.15', checked: 'v26.7.28' }), url: 'https://github.com/XTLS/Xray-core/releases/download/v25.10.15/Xray-linux-64.zip' })],
    },
    { step: 'download-xray', state: 'done', notes: [deployNote('xrayArchiveChecked', { asset: 'Xray-linux-64.zip', bytes: 13000000 })] },
    { step: 'install-xray', state: 'done', notes: [deployNote('xrayInstalled', { version: '25.10.15', binary: '/usr/local/bin/xray' }), deployNote('agentStartedXray')] },
  ];
  const result: XrayInstallResult = {
    xrayVersion: '25.10.15',
    binaryPath: '/usr/local/bin/xray',
    versionSupport: { version: '25.10.15', support: 'ok', minimum: '1.8.12', checked: '26.7.28' },
  };
  function installCore() {
    const requests: { server: string; request: XrayInstallRequest }[] = [];
    const fake = fakeCore({
      deploy: {
        installXray: async (server, request, onProgress) => {
          requests.push({ server, request });
          progress.forEach((line) => onProgress?.(line));
          return result;
        },
      },
    });
    return { ...fake, requests };
  }

  test('names no version by default (the core installs the pinned one), streaming [step] lines, then says what is installed', async () => {
    const { core, requests } = installCore();
    const run = await runInProcess(['server', 'install-xray', 'alpha'], { core });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(requests, [{ server: 'alpha', request: {} }]);
    assert.equal(
      run.stdout,
      '[download-xray] downloading Xray v25.10.15 (Keyport was checked against v26.7.28) from https://github.com/XTLS/Xray-core/releases/download/v25.10.15/Xray-linux-64.zip\n' +
        '[download-xray] Xray-linux-64.zip (13000000 bytes); its SHA2-256 matches the .dgst\n' +
        '[install-xray] Xray 25.10.15 at /usr/local/bin/xray; the agent started Xray with it\n' +
        'Installed Xray 25.10.15 at /usr/local/bin/xray on alpha.\n',
    );
  });

  test('--version and --releases-url go into the request as given; the core checks them', async () => {
    const { core, requests } = installCore();
    const run = await runInProcess(['server', 'install-xray', 'alpha', '--version', 'v25.10.15', '--releases-url', 'https://mirror.example/xray/releases'], { core });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(requests, [{ server: 'alpha', request: { version: 'v25.10.15', releasesUrl: 'https://mirror.example/xray/releases' } }]);
  });

  test('--json prints the result on stdout and the progress as JSON lines on stderr', async () => {
    const { core } = installCore();
    const run = await runInProcess(['server', 'install-xray', 'alpha', '--json'], { core });
    assert.deepEqual(JSON.parse(run.stdout), result);
    const lines = run.stderr.trim().split('\n').map((line) => JSON.parse(line) as DeployProgress & { message: string });
    assert.deepEqual(lines.map(({ message: _message, ...line }) => line), progress);
    assert.equal(lines[1]!.message, 'Xray-linux-64.zip (13000000 bytes); its SHA2-256 matches the .dgst');
  });

  test('a bad version or releases URL, a missing NAME or an unknown flag is a usage error that opens nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['alpha', '--version', '25.10'], /"25\.10" is not an Xray version/],
      [['alpha', '--version', 'v1.2.3; reboot'], /is not an Xray version/],
      [['alpha', '--releases-url', "https://mirror.example/x'y"], /cannot be the Xray releases URL/],
      [['alpha', '--releases-url', 'file:///etc/passwd'], /only http\(s\) URLs/],
      [[], /missing NAME/],
      [['alpha', '--beta'], /Unknown option '--beta'/],
    ];
    for (const [args, message] of cases) {
      const run = await runInProcess(['server', 'install-xray', ...args]);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, message);
      assert.equal(run.coreOpened, false);
    }
  });
});

test('server add stores a relative --key as an absolute path', async () => {
  const added: AddServerRequest[] = [];
  const { core } = fakeCore({ fleet: { probeHostKey: async () => PROBE, add: async (request) => (added.push(request), SERVER) } });
  await runInProcess(['server', 'add', 'alpha', '--host', 'h', '--key', 'keys/id_ed25519', '--accept-host-key', PROBE.fingerprint], { core });
  await runInProcess(['server', 'add', 'alpha', '--host', 'h', '--key', '~/.ssh/id_rsa', '--accept-host-key', PROBE.fingerprint], { core });
  assert.deepEqual(added.map((request) => request.auth), [
    { method: 'key', keyPath: join(process.cwd(), 'keys/id_ed25519') },
    { method: 'key', keyPath: '~/.ssh/id_rsa' },
  ]);
});

describe('server status and key limits', () => {
  test('counts, per server, the keys limited, expired and expiring within 7 days', async () => {
    const status: ServerStatus = {
      server: SERVER, state: 'online', reason: null, agentVersion: '2.1.3', agentOutdated: false, xrayVersion: '26.7.28', xrayVersionSupport: null,
      keyCount: 12, activeKeyCount: 10, keyLimits: { limited: 3, expired: 1, expiringSoon: 4 }, xray: null, portCheck: null, problems: [],
    };
    const { core } = fakeCore({ fleet: { list: async () => [SERVER], status: async () => status } });
    const result = await runInProcess(['server', 'status'], { core });
    assert.match(result.stdout, /^NAME +STATE +AGENT +XRAY +KEYS +ACTIVE +LIMITED +EXPIRED +EXPIRING 7D +REASON\nalpha +online +2\.1\.3 +26\.7\.28 +12 +10 +3 +1 +4\n$/);
  });
});
