import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { AgentProcess } from '../support/agent-process.ts';
import { removeAgentChains } from '../support/firewall.ts';
import { disagreements, type ListedKey } from '../../../test-support/key-agreement.ts';

const ROUNDS = 4;

describe('changes racing on one key', () => {
  let agent: AgentProcess;
  let round = 0;

  before(async () => {
    removeAgentChains();
    // No periodic reconcile: it would repair what a race left behind and hide it.
    agent = await AgentProcess.start({ reconcileCycles: 0 });
  });
  after(async () => agent?.dispose());

  const keys = async (): Promise<ListedKey[]> => (await agent.get('/api/keys')).body;
  const create = async (active = true): Promise<ListedKey> => {
    round += 1;
    const created = await agent.post('/api/keys', { name: `race ${round}` });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    if (!active) assert.equal((await agent.request('PATCH', `/api/keys/${created.body.id}`, { is_active: false })).status, 200);
    return created.body;
  };
  const patch = (id: string, body: object) => agent.request('PATCH', `/api/keys/${id}`, body);
  const remove = (id: string) => agent.request('DELETE', `/api/keys/${id}`);
  const assertAgreement = async (what: string) => {
    const listed = await keys();
    assert.deepEqual(disagreements(listed, `127.0.0.1:${agent.xrayApiPort}`), [], `${what}: keys ${JSON.stringify(listed)}`);
  };
  const removeAll = async () => {
    for (const key of await keys()) assert.equal((await remove(key.id)).status, 200);
  };

  // Each test starts from no keys and a firewall and Xray in step, whatever the one before left.
  beforeEach(async () => {
    await removeAll();
    assert.equal((await agent.post('/api/system/sync-config')).status, 200);
  });

  /** Sends both requests at the same moment; each answers 200, or 404 when the delete came first. */
  async function race(what: string, change: (key: ListedKey) => Promise<{ status: number }>, active: boolean) {
    for (let index = 0; index < ROUNDS; index += 1) {
      const key = await create(active);
      const [changed, deleted] = await Promise.all([change(key), remove(key.id)]);
      assert.ok([200, 404].includes(changed.status), `${what}: the change answered ${changed.status}`);
      assert.ok([200, 404].includes(deleted.status), `${what}: the delete answered ${deleted.status}`);
      assert.equal((await agent.get(`/api/keys/${key.id}`)).status, 404, `${what}: the key is deleted`);
      await assertAgreement(`${what}, round ${index + 1}`);
    }
  }

  test('enable and delete at once: the deleted key has no inbound and no rules', async () => {
    await race('enable vs delete', (key) => patch(key.id, { is_active: true }), false);
  });

  test('disable and delete at once: the deleted key has no inbound and no rules', async () => {
    await race('disable vs delete', (key) => patch(key.id, { is_active: false }), true);
  });

  test('rename (and switch) and delete at once leave nothing behind', async () => {
    await race('rename vs delete', (key) => patch(key.id, { name: `renamed ${key.id}` }), true);
    await race('rename and enable vs delete', (key) => patch(key.id, { name: `renamed ${key.id}`, is_active: true }), false);
  });

  test('enable and disable at once: the key ends with exactly the rules and inbound of its stored state', async () => {
    for (let index = 0; index < ROUNDS; index += 1) {
      const key = await create(index % 2 === 0);
      const answers = await Promise.all([patch(key.id, { is_active: true }), patch(key.id, { is_active: false }), patch(key.id, { is_active: true })]);
      assert.deepEqual(answers.map((answer) => answer.status), [200, 200, 200]);
      await assertAgreement(`enable vs disable, round ${index + 1}`);
    }
    await removeAll();
  });

  test('a create while a disabled key on the lowest port is deleted: the new key has its own rules', async () => {
    for (let index = 0; index < ROUNDS; index += 1) {
      await removeAll();
      const old = await create(false);
      const [deleted, created] = await Promise.all([remove(old.id), agent.post('/api/keys', { name: `race new ${index}` })]);
      assert.equal(deleted.status, 200);
      assert.equal(created.status, 200, JSON.stringify(created.body));
      await assertAgreement(`create vs delete, round ${index + 1}`);
    }
    await removeAll();
  });
});
