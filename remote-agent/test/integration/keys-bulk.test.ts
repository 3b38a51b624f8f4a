import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { AgentProcess } from '../support/agent-process.ts';
import { removeAgentChains } from '../support/firewall.ts';
import { lsi } from '../support/xray-api.ts';
import { disagreements, type ListedKey } from '../../../test-support/key-agreement.ts';
import { moveBytes } from '../../../test-support/tcp-traffic.ts';
import { waitFor } from '../../../test-support/wait.ts';

type Key = ListedKey & { name: string; uuid: string; created_at: string };

const RANGE_FROM = 10001;
const RANGE_SIZE = 40;

/**
 * A program that binds a port without listening: the agent's allocator (which skips listening
 * ports) hands the port out, and Xray's listen there fails (no SO_REUSEPORT on the holder), so an
 * `adi` fails in the middle of a batch.
 */
async function bindWithoutListening(port: number): Promise<ChildProcess> {
  const script = `import socket, time\ns = socket.socket()\ns.bind(("0.0.0.0", ${port}))\nprint("bound", flush=True)\ntime.sleep(120)`;
  const holder = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    holder.once('error', reject);
    holder.stdout!.once('data', () => resolve());
  });
  return holder;
}

const KEY_FIELDS = ['created_at', 'data_limit_bytes', 'data_limit_reset', 'expires_at', 'id', 'is_active', 'name', 'note', 'period_started_at', 'port', 'status', 'subscription_url', 'used_bytes', 'uuid'];

describe('POST /api/keys/bulk: many keys, all or none', () => {
  let agent: AgentProcess;
  let holder: ChildProcess | undefined;

  before(async () => {
    removeAgentChains();
    agent = await AgentProcess.start({ portRange: `${RANGE_FROM}-${RANGE_FROM + RANGE_SIZE - 1}` });
  });
  after(async () => {
    holder?.kill('SIGKILL');
    await agent?.dispose();
  });

  const bulk = (body: unknown) => agent.post('/api/keys/bulk', body);
  const keys = async (): Promise<Key[]> => (await agent.get('/api/keys')).body;
  const assertNothingChanged = async (before: Key[], what: string) => {
    assert.deepEqual(await keys(), before, `${what}: no key is created`);
    assert.equal((await lsi(agent.xrayApiPort)).length, before.filter((key) => key.is_active).length, `${what}: no inbound is added`);
    assert.deepEqual(disagreements(await keys(), `127.0.0.1:${agent.xrayApiPort}`), [], `${what}: no rule is left`);
  };

  test('creates every key in the order of the names, each on its own port, live and counted', async () => {
    const names = ['bulk one', 'Bulk Two ✓', 'Мама 📱', 'e\u0301 accent'];
    const created = await bulk({ names });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const answer: Key[] = created.body;
    assert.deepEqual(answer.map((key) => key.name), names.map((name) => name.normalize('NFC')));
    assert.deepEqual(answer.map((key) => key.port), [10001, 10002, 10003, 10004]);
    for (const key of answer) assert.deepEqual(Object.keys(key).sort(), KEY_FIELDS);
    assert.equal(new Set(answer.map((key) => key.uuid)).size, names.length);

    const single = (await agent.post('/api/keys', { name: 'one by one' })).body;
    assert.deepEqual(Object.keys(single).sort(), Object.keys(answer[0]!).sort(), 'the same key object as POST /api/keys');
    assert.deepEqual((await keys()).slice(0, names.length), answer, 'listed as answered');
    assert.deepEqual(disagreements(await keys(), `127.0.0.1:${agent.xrayApiPort}`), []);
    for (const key of answer) await moveBytes(key.port, 10, 10);
    const status = (await agent.get('/api/system/config-status')).body.data;
    assert.equal(status.in_sync, true, JSON.stringify(status));
    const fileTags = JSON.parse(readFileSync(agent.xrayConfigPath, 'utf8')).inbounds.map((inbound: { tag: string }) => inbound.tag);
    for (const key of answer) assert.ok(fileTags.includes(`keyport-${key.id}`));
  });

  test('a body of the wrong shape, or a bad name anywhere, is 400 naming what is wrong, and creates nothing', async () => {
    const before = await keys();
    for (const body of [
      {},
      { names: [] },
      { names: 'solo' },
      { names: [1] },
      { names: ['ok', null] },
      { names: ['ok'], extra: true },
      { names: Array.from({ length: 1001 }, (_, index) => `n${index}`) },
    ]) {
      const answer = await bulk(body);
      assert.equal(answer.status, 400, JSON.stringify(body).slice(0, 100));
      assert.equal(answer.body.status, 'error');
      assert.equal(typeof answer.body.detail, 'string');
    }
    const bad = await bulk({ names: ['fine 1', 'fine 2', ' leading space', 'fine 3'] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.reason, 'bad_name');
    assert.equal(bad.body.index, 2);
    assert.match(bad.body.detail, /^names\[2\]: .*starts or ends with a space/);

    const invisible = await bulk({ names: ['fine 1', 'a\u202Eb'] });
    assert.deepEqual([invisible.status, invisible.body.reason, invisible.body.index], [400, 'bad_name', 1]);

    const twice = await bulk({ names: ['dup a', 'other', 'DUP A'] });
    assert.equal(twice.status, 400);
    assert.deepEqual([twice.body.reason, twice.body.index, twice.body.duplicate_of], ['duplicate_name', 2, 0]);
    await assertNothingChanged(before, 'refused names');
  });

  test('a name a key has already: 409 name_taken with the holder and the position; nothing created', async () => {
    const before = await keys();
    const holder = before.find((key) => key.name === 'one by one')!;
    const taken = await bulk({ names: ['new a', 'new b', 'ONE BY ONE'] });
    assert.equal(taken.status, 409);
    assert.deepEqual([taken.body.reason, taken.body.key_id, taken.body.index], ['name_taken', holder.id, 2]);
    await assertNothingChanged(before, 'a taken name');
  });

  test('more names than free ports: 409 ports_exhausted with the counts; nothing created; as many as fit then work', async () => {
    const before = await keys();
    const free = RANGE_SIZE - before.length;
    const names = Array.from({ length: free + 1 }, (_, index) => `fill ${index}`);
    const refused = await bulk({ names });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.deepEqual([refused.body.reason, refused.body.requested, refused.body.available], ['ports_exhausted', free + 1, free]);
    await assertNothingChanged(before, 'too few ports');

    const fits = await bulk({ names: names.slice(0, free) });
    assert.equal(fits.status, 201, JSON.stringify(fits.body));
    assert.equal((await keys()).length, RANGE_SIZE);
    assert.deepEqual(disagreements(await keys(), `127.0.0.1:${agent.xrayApiPort}`), []);
    for (const key of fits.body as ListedKey[]) assert.equal((await agent.request('DELETE', `/api/keys/${key.id}`)).status, 200);
  });

  test("Xray's API refusing one inbound mid-batch: every key is stored, the rest serve, that one is reported until it can start", async () => {
    const before = await keys();
    const ports = new Set(before.map((key) => key.port));
    const free = Array.from({ length: RANGE_SIZE }, (_, index) => RANGE_FROM + index).filter((port) => !ports.has(port));
    const blockedPort = free[2]!;
    holder = await bindWithoutListening(blockedPort);
    const pid = agent.xrayPid();

    const created = await bulk({ names: ['mid 0', 'mid 1', 'mid 2', 'mid 3', 'mid 4'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const answer: ListedKey[] = created.body;
    assert.equal(answer[2]!.port, blockedPort);
    assert.equal(agent.xrayPid(), pid, 'one inbound that cannot start never restarts Xray');
    const live = new Set(await lsi(agent.xrayApiPort));
    for (const [index, key] of answer.entries()) assert.equal(live.has(`keyport-${key.id}`), index !== 2, `key ${index} live`);
    for (const key of answer.filter((_, index) => index !== 2)) await moveBytes(key.port, 10, 10);

    const status = (await agent.get('/api/system/xray/config-status')).body.data;
    assert.equal(status.in_sync, false);
    assert.equal(status.last_apply.ok, false);
    assert.deepEqual(status.not_serving.map((entry: { key_id: string }) => entry.key_id), [answer[2]!.id]);
    const fileTags = JSON.parse(readFileSync(agent.xrayConfigPath, 'utf8')).inbounds.map((inbound: { tag: string }) => inbound.tag);
    assert.ok(!fileTags.includes(`keyport-${answer[2]!.id}`), 'left out of the file, so it never stops Xray from starting');

    holder.kill('SIGKILL');
    await waitFor('the port to be free', () => (holder!.exitCode !== null || holder!.signalCode !== null ? true : undefined));
    holder = undefined;
    const synced = (await agent.post('/api/system/xray/sync-config')).body.data;
    assert.equal(synced.status.in_sync, true, JSON.stringify(synced));
    await moveBytes(answer[2]!.port, 10, 10);
  });
});
