import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServerSettingsPatch, ServerSettingsUpdate } from '../../shared/contract/api-types.ts';
import { fakeCore } from './testing/fake-core.ts';
import { runInProcess } from './testing/run-in-process.ts';
import { SETTINGS } from '../core/services/testing/server-settings.ts';

function settingsCore(applied: ServerSettingsUpdate['applied'] = { at_ms: 0, method: 'restart', ok: true, detail: 'restarted' }) {
  const patches: ServerSettingsPatch[] = [];
  const fake = fakeCore({
    system: {
      settings: async () => ({ data: SETTINGS, source: 'live', syncedAt: '2026-12-01T15:00:00.000Z' }),
      updateSettings: async (_server, patch) => (patches.push(patch), { settings: { ...SETTINGS, ...patch }, applied }),
    },
  });
  return { ...fake, patches };
}

describe('server settings', () => {
  test('without flags says what VPN users can reach and whether connections are logged', async () => {
    const { core } = settingsCore();
    const run = await runInProcess(['server', 'settings', 'alpha'], { core });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Private destinations {2}blocked: VPN users reach the internet, never this server/);
    assert.match(run.stdout, /Access log {12}off/);
  });

  test('--private-destinations on is sent as allow_private_destinations, and says Xray restarted once', async () => {
    const { core, patches } = settingsCore();
    const run = await runInProcess(['server', 'settings', 'alpha', '--private-destinations', 'on', '--access-log', 'off'], { core });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(patches, [{ allow_private_destinations: true, access_log: false }]);
    assert.match(run.stdout, /ALLOWED/);
    assert.match(run.stdout, /restarted once/);
  });

  test('a value other than on or off is a usage error and sends nothing', async () => {
    const { core, patches } = settingsCore();
    const run = await runInProcess(['server', 'settings', 'alpha', '--access-log', 'yes'], { core });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--access-log takes on or off/);
    assert.deepEqual(patches, []);
  });

  test('an Xray that did not take the change exits 1, saying it is stored', async () => {
    const { core } = settingsCore({ at_ms: 0, method: 'restart', ok: false, detail: 'Xray exited at start' });
    const run = await runInProcess(['server', 'settings', 'alpha', '--access-log', 'on'], { core });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /Stored, but Xray did not take it yet: Xray exited at start/);
  });
});
