import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { disagreements, kernelBytes, type ListedKey } from '../../test-support/key-agreement.ts';
import { disposableSuiteFixture } from '../../test-support/suite-fixture.ts';
import { FAULT_XRAY_API, FaultAgent } from '../support/fault-agent.ts';

const ROUNDS = 4;
const UP = 30_000;
const DOWN = 70_000;

/**
 * Racing requests on one key: enable, disable, rename and delete of one key sent at the same
 * moment, with a create beside them, against the real agent in a namespace of its own. Every
 * answer is 200 (or 404 for a change that came after the delete), and the moment they are all
 * answered the database, the firewall and Xray agree, with no reconcile to tidy up after them. A
 * key that no request touches keeps serving and counts every byte once.
 */
describe('fault: racing requests on one key', () => {
  // The periodic reconcile is off: what agrees afterwards agrees because the changes were serialized.
  const agent = disposableSuiteFixture(() => FaultAgent.start({ sampleIntervalSeconds: 0.5, reconcileCycles: 0 }));

  const keys = async (): Promise<ListedKey[]> => (await agent().request('GET', '/api/keys')).body;
  const create = async (name: string) => {
    const created = await agent().request('POST', '/api/keys', { name });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    return created.body as ListedKey & { name: string };
  };

  test('enable, disable, rename and delete at once, beside a create: all answered, and all parts agree at once', async () => {
    const bystander = await create('bystander');
    await agent().moveBytes(bystander.port, UP, DOWN);
    for (let round = 0; round < ROUNDS; round += 1) {
      const key = await create(`racer ${round}`);
      if (round % 2 === 1) assert.equal((await agent().request('PATCH', `/api/keys/${key.id}`, { is_active: false })).status, 200);
      const path = `/api/keys/${key.id}`;
      const requests = [
        () => agent().request('PATCH', path, { is_active: true }),
        () => agent().request('PATCH', path, { name: `racer ${round} renamed` }),
        () => agent().request('DELETE', path),
        () => agent().request('PATCH', path, { is_active: false }),
        () => agent().request('POST', '/api/keys', { name: `newcomer ${round}` }),
        () => agent().request('PATCH', path, { name: `racer ${round} again`, is_active: true }),
      ];
      // Sent in a different order each round, all before any answer comes.
      const rotated = [...requests.slice(round % requests.length), ...requests.slice(0, round % requests.length)];
      const answers = await Promise.all(rotated.map((send) => send()));
      for (const answer of answers) assert.ok([200, 404].includes(answer.status), `round ${round}: ${answer.status} ${JSON.stringify(answer.body)}`);
      assert.equal((await agent().request('GET', path)).status, 404, `round ${round}: the delete held`);
      const listed = await keys();
      assert.deepEqual(disagreements(listed, FAULT_XRAY_API, agent().run), [], `round ${round}: ${JSON.stringify(listed)}`);
    }

    await agent().moveBytes(bystander.port, UP, DOWN);
    await agent().settle();
    const total = (await agent().request('GET', `/api/keys/${bystander.id}/traffic/history`)).body.data.total_traffic;
    const kernel = kernelBytes(bystander.port, agent().run);
    assert.ok(kernel.rxBytes >= 2 * UP && kernel.txBytes >= 2 * DOWN, JSON.stringify(kernel));
    assert.deepEqual({ rxBytes: total.rx_bytes, txBytes: total.tx_bytes }, kernel, 'every byte the kernel counted, once');
  });
});
