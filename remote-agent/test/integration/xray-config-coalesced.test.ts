import assert from 'node:assert/strict';
import { existsSync, readFileSync, watch } from 'node:fs';
import { describe, test } from 'node:test';
import { CONFIG_WRITE_DELAY_MS } from '../../src/services/xray/xray-manager.ts';
import { suiteAgent } from '../support/suite-agent.ts';
import { lsi } from '../support/xray-api.ts';
import { disagreements, type ListedKey } from '../../../test-support/key-agreement.ts';

const BURST = 48;
const AT_ONCE = 16;

describe('key changes are live at once and reach the config file coalesced', () => {
  const agent = suiteAgent();

  const fileTags = (): string[] => (JSON.parse(readFileSync(agent().xrayConfigPath, 'utf8')).inbounds as Array<{ tag: string }>).map((inbound) => inbound.tag);
  const create = async (name: string): Promise<ListedKey> => {
    const created = await agent().post('/api/keys', { name });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    return created.body;
  };

  test(`${BURST} creates, ${AT_ONCE} at a time: each serves when it answers, the file is replaced far fewer times, and ends with all`, async () => {
    const replaced: number[] = [];
    const watcher = watch(agent().dataDir, (event, name) => {
      if (event === 'rename' && name === 'xray-config.json') replaced.push(Date.now());
    });
    const startedAt = Date.now();
    const created: ListedKey[] = [];
    try {
      for (let index = 0; index < BURST; index += AT_ONCE) {
        const batch = await Promise.all(Array.from({ length: AT_ONCE }, (_, offset) => create(`burst ${index + offset}`)));
        // Live at once: Xray serves every key that answered, whatever the file says yet.
        const live = new Set(await lsi(agent().xrayApiPort));
        for (const key of batch) assert.ok(live.has(`keyport-${key.id}`), `key ${key.id} is live when its create answers`);
        created.push(...batch);
      }
      const status = (await agent().get('/api/system/xray/config-status')).body.data;
      assert.equal(status.config_file.in_sync, true, 'config-status flushes a pending write before it reads the file');
      assert.equal(status.in_sync, true, JSON.stringify(status));
    } finally {
      watcher.close();
    }
    const elapsedMs = Date.now() - startedAt;
    assert.deepEqual(new Set(fileTags()), new Set(created.map((key) => `keyport-${key.id}`)));
    assert.ok(
      replaced.length <= Math.ceil(elapsedMs / CONFIG_WRITE_DELAY_MS) + 1 && replaced.length < BURST / 2,
      `${replaced.length} writes for ${BURST} creates in ${elapsedMs} ms`,
    );
    assert.ok(!existsSync(`${agent().xrayConfigPath}.new.json`) && !existsSync(`${agent().xrayConfigPath}.check.json`), 'no draft is left behind');
  });

  test('a stop right after a change writes the file before the agent exits', async () => {
    const key = await create('just before the stop');
    await agent().stop('SIGTERM');
    assert.ok(fileTags().includes(`keyport-${key.id}`));
    await agent().launch();
  });

  test('kill -9 of the agent and Xray before the write: the next start serves every key from a file that has them all', async () => {
    const key = await create('just before the crash');
    const xrayPid = agent().xrayPid();
    await agent().stop('SIGKILL');
    if (xrayPid !== undefined) process.kill(xrayPid, 'SIGKILL');
    // The window this test is about: live in the Xray that died, not yet in the file.
    assert.ok(!fileTags().includes(`keyport-${key.id}`), `the write waits ${CONFIG_WRITE_DELAY_MS} ms, so the crash came first`);

    await agent().launch();
    const keys: ListedKey[] = (await agent().get('/api/keys')).body;
    assert.equal(keys.length, BURST + 2);
    assert.deepEqual(new Set(fileTags()), new Set(keys.map((stored) => `keyport-${stored.id}`)), 'start-up writes the file from the store before Xray starts from it');
    assert.deepEqual(disagreements(keys, `127.0.0.1:${agent().xrayApiPort}`), []);
    assert.equal((await agent().get('/api/system/xray/config-status')).body.data.in_sync, true);
  });

  test('a start with Xray down writes and tests the file once, not again to start Xray from the same text', async () => {
    const xrayPid = agent().xrayPid();
    await agent().stop('SIGTERM');
    if (xrayPid !== undefined) process.kill(xrayPid, 'SIGKILL');
    const drafts: string[] = [];
    const watcher = watch(agent().dataDir, (event, name) => {
      if (event === 'rename' && name === 'xray-config.json.new.json') drafts.push(name);
    });
    try {
      await agent().launch();
      assert.equal((await agent().get('/api/system/xray/config-status')).body.data.in_sync, true);
    } finally {
      watcher.close();
    }
    // A draft is created, then renamed over the file: two events per write.
    assert.equal(drafts.length, 2, `${drafts.length / 2} drafts written at start`);
  });
});
