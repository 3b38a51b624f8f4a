import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { ServerSettingsPatch } from '../../../shared/contract/api-types.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { deployedAlpha, openTempCache } from '../cache/testing/temp-cache.ts';
import type { ServerSessions } from './server-sessions.ts';
import { SystemService } from './system-service.ts';
import { SETTINGS } from './testing/server-settings.ts';

const SYNCED = '2025-08-05T12:00:00.000Z';

/** A SystemService over a real cache file whose server answers only while `server.online`, recording the patches it gets. */
function systemWith(t: TestContext, server: { online: boolean }) {
  const { cache } = openTempCache(t);
  cache.saveServer(deployedAlpha(SYNCED));
  const patches: ServerSettingsPatch[] = [];
  let held = SETTINGS;
  const client = {
    getSettings: async () => ({ status: 'success', timestamp: SYNCED, data: { settings: held } }),
    updateSettings: async (patch: ServerSettingsPatch) => {
      patches.push(patch);
      held = { ...held, ...patch };
      return { status: 'success', timestamp: SYNCED, data: { settings: held, applied: { at_ms: 1, method: 'api', ok: true, detail: 'applied' } } };
    },
  };
  const sessions = {
    client: async () => {
      if (!server.online) throw new KeyportError('server-offline', 'alpha does not answer');
      return client;
    },
  } as unknown as ServerSessions;
  const pushedFor: string[] = [];
  const afterLinksChanged = async (serverId: string) => {
    pushedFor.push(serverId);
    return [];
  };
  return { system: new SystemService(cache, sessions, afterLinksChanged), patches, pushedFor };
}

test('a settings change is sent as given, and the settings read offline afterwards are the changed ones', async (t) => {
  const server = { online: true };
  const { system, patches } = systemWith(t, server);
  const update = await system.updateSettings('alpha', { reality_server_names: ['www.example.org'] });
  assert.deepEqual(patches, [{ reality_server_names: ['www.example.org'] }]);
  assert.deepEqual(update.settings.reality_server_names, ['www.example.org']);
  server.online = false;
  const offline = await system.settings('alpha');
  assert.equal(offline.source, 'cache');
  assert.deepEqual(offline.data.reality_server_names, ['www.example.org']);
});

test("a change of what links carry passes the new links to people's bundles elsewhere; other settings do not", async (t) => {
  const { system, pushedFor } = systemWith(t, { online: true });
  await system.updateSettings('alpha', { reality_target: 'www.example.org:443', access_log: true });
  assert.deepEqual(pushedFor, [], 'the target and the access log are not in any link');
  await system.updateSettings('alpha', { reality_server_names: ['www.example.org'] });
  await system.updateSettings('alpha', { reality_fingerprint: 'firefox' });
  await system.updateSettings('alpha', { link_host: 'vpn.example.com' });
  assert.deepEqual(pushedFor, ['s1', 's1', 's1']);
});

test('a bad change is refused before the server is asked; offline, a change fails saying nothing was changed', async (t) => {
  const server = { online: true };
  const { system, patches } = systemWith(t, server);
  await assert.rejects(system.updateSettings('alpha', { reality_target: 'no-port' }), (error: KeyportError) => error.code === 'bad-input' && error.facts.field === 'reality_target');
  await assert.rejects(system.updateSettings('alpha', {} as ServerSettingsPatch), { code: 'bad-input' });
  assert.deepEqual(patches, []);
  server.online = false;
  await assert.rejects(system.updateSettings('alpha', { reality_target: 'www.example.org:443' }), (error: KeyportError) =>
    error.code === 'server-offline' && /nothing was changed/.test(error.message));
});

test('a config sync to a server that cannot be reached fails saying nothing was changed', async (t) => {
  const { system } = systemWith(t, { online: false });
  await assert.rejects(system.syncConfig('alpha'), (error: KeyportError) => error.code === 'server-offline' && /nothing was changed/.test(error.message));
});
