import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RealityCheckReport, ServerSettingsPatch, ServerSettingsUpdate } from '../../shared/contract/api-types.ts';
import type { DeployOptions } from '../../shared/contract/deploy.ts';
import { fakeCore } from './testing/fake-core.ts';
import { DEPLOYED } from './testing/fixtures.ts';
import { runInProcess } from './testing/run-in-process.ts';
import { SETTINGS } from '../core/services/testing/server-settings.ts';

const SYNCED = '2026-12-01T15:00:00.000Z';

function settingsCore() {
  const patches: ServerSettingsPatch[] = [];
  const fake = fakeCore({
    system: {
      settings: async () => ({ data: SETTINGS, source: 'live', syncedAt: SYNCED }),
      updateSettings: async (_server, patch): Promise<ServerSettingsUpdate> => {
        patches.push(patch);
        return { settings: { ...SETTINGS, ...patch }, applied: { at_ms: 0, method: 'api', ok: true, detail: 'applied through the Xray API' } };
      },
    },
  });
  return { ...fake, patches };
}

describe('server reality', () => {
  test('without flags prints the current target, names and fingerprint', async () => {
    const { core, calls } = settingsCore();
    const run = await runInProcess(['server', 'reality', 'alpha'], { core });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Target        dl.google.com:443\nServer names  dl.google.com (links carry sni=dl.google.com)\nFingerprint   chrome\n');
    assert.deepEqual(calls, ['system.settings', 'close']);
  });

  test('--target and --server-names change them, and say that links follow', async () => {
    const { core, patches } = settingsCore();
    const run = await runInProcess(['server', 'reality', 'alpha', '--target', 'www.example.org:443', '--server-names', 'www.example.org, example.org'], { core });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(patches, [{ reality_target: 'www.example.org:443', reality_server_names: ['www.example.org', 'example.org'] }]);
    assert.match(run.stdout, /^Target +www\.example\.org:443\n/);
    assert.match(run.stdout, /Applied to Xray \(api\): applied through the Xray API\.\n/);
    assert.match(run.stdout, /Keys' links now carry sni=www\.example\.org: hand out their new links or QR codes\.\n$/);
  });

  for (const [args, message] of [
    [['--target', 'www.example.org'], /--target: must be HOST:PORT/],
    [['--target', 'www.example.org:0'], /--target: must be HOST:PORT/],
    [['--server-names', '*.example.org'], /--server-names: must be exact host names .*"\*\.example\.org"/],
    [['--server-names', '203.0.113.7'], /--server-names: must be exact host names/],
    [['--server-names', ' , '], /--server-names: must be 1 to 16 host names/],
  ] as const) {
    test(`${args.join(' ')} is a usage error before anything is opened`, async () => {
      const run = await runInProcess(['server', 'reality', 'alpha', ...args]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, message);
      assert.equal(run.coreOpened, false);
    });
  }

  test('--verify prints each finding as the agent words it, and exits 1 when one failed', async () => {
    const report: RealityCheckReport = {
      valid: false,
      checks: [
        { name: 'target_connect', ok: true, level: 'error', server_name: null, detail: 'dl.google.com:443 accepts TCP connections from this server (3 ms)' },
        { name: 'tls_version', ok: false, level: 'error', server_name: 'dl.google.com', detail: 'dl.google.com:443 did not offer TLS 1.3 for dl.google.com (it answered TLSv1.2): Reality needs it; choose another target' },
      ],
      public_key: 'pk',
      short_ids: ['ab'],
      target: 'dl.google.com:443',
      dest: 'dl.google.com:443',
      server_names: ['dl.google.com'],
      fingerprint: 'chrome',
    };
    const { core } = fakeCore({ system: { verifyReality: async () => report } });
    const run = await runInProcess(['server', 'reality', 'alpha', '--verify'], { core });
    assert.equal(run.code, 1);
    assert.equal(
      run.stdout,
      'Reality target dl.google.com:443: 1 check failed\n' +
        'ok    dl.google.com:443 accepts TCP connections from this server (3 ms)\n' +
        'FAIL  dl.google.com:443 did not offer TLS 1.3 for dl.google.com (it answered TLSv1.2): Reality needs it; choose another target\n',
    );
  });
});

describe('server deploy --reality-target/--reality-server-names', () => {
  const result = DEPLOYED;

  test('hands the settings to the deploy', async () => {
    const seen: (DeployOptions | undefined)[] = [];
    const { core } = fakeCore({ deploy: { deploy: async (_server, options) => (seen.push(options), result) } });
    const run = await runInProcess(['server', 'deploy', 'alpha', '--reality-target', 'www.example.org:443', '--reality-server-names', 'www.example.org'], { core });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(seen, [{ settings: { reality_target: 'www.example.org:443', reality_server_names: ['www.example.org'] } }]);
  });

  test('a bad target is a usage error naming the deploy flag', async () => {
    const run = await runInProcess(['server', 'deploy', 'alpha', '--reality-target', 'nohost']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--reality-target: must be HOST:PORT/);
  });
});
