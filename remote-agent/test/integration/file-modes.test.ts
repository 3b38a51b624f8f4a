import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { suiteAgent } from '../support/suite-agent.ts';
import { moveBytes } from '../../../test-support/tcp-traffic.ts';
import { waitFor } from '../../../test-support/wait.ts';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');

describe("the agent's files are its owner's only", () => {
  const agent = suiteAgent();

  test('database, -wal, -shm, backups, Xray log, access log, pid files and keys: 0600, directories 0700', async () => {
    const key = (await agent().post('/api/keys', { name: 'private' })).body;
    await agent().request('PATCH', '/api/system/settings', { access_log: true });
    await moveBytes(key.port, 1000, 1000);
    const file = (name: string) => join(agent().dataDir, name);
    await waitFor('a backup and the access log', () => (existsSync(file('xray-access.log')) && readdirSync(file('backups')).length > 0 ? true : undefined));
    const files = ['keyport.db', 'keyport.db-wal', 'keyport.db-shm', 'database-created', 'api-key', 'reality-keys.json', 'xray-config.json', 'xray.pid', 'xray.log', 'xray-access.log'];
    const backups = readdirSync(file('backups')).map((name) => `backups/${name}`);
    const modes = Object.fromEntries([...files, ...backups].map((name) => [name, mode(file(name))]));
    assert.deepEqual(modes, Object.fromEntries([...files, ...backups].map((name) => [name, '0600'])));
    assert.equal(mode(agent().dataDir), '0700');
    assert.equal(mode(file('backups')), '0700');
  });

  test('files an earlier agent left 0644 are 0600 after a restart, and the -wal made from the database follows it', async () => {
    await agent().stop();
    const file = (name: string) => join(agent().dataDir, name);
    for (const name of ['keyport.db', 'xray.log', 'xray.pid', 'xray-access.log']) chmodSync(file(name), 0o644);
    await agent().launch();
    await agent().post('/api/keys', { name: 'after-restart' });
    for (const name of ['keyport.db', 'keyport.db-wal', 'keyport.db-shm', 'xray.log', 'xray.pid', 'xray-access.log']) {
      assert.equal(mode(file(name)), '0600', name);
    }
  });
});
