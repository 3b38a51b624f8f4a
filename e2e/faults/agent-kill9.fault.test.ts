import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { disagreements, kernelBytes, type ListedKey } from '../../test-support/key-agreement.ts';
import { disposableSuiteFixture } from '../../test-support/suite-fixture.ts';
import { sleep, waitFor } from '../../test-support/wait.ts';
import { FAULT_XRAY_API, FaultAgent } from '../support/fault-agent.ts';

const KILLS = 2;
const WORKERS = 3;
const STEPS_PER_WORKER = 12;
const UP = 20_000;
const DOWN = 50_000;
const RECONCILE_CYCLES = 2;

/**
 * kill -9 of the agent in the middle of a burst of creates, disables, enables and deletes, while
 * bytes flow through keys that no request touches. Started again on the same data dir, the agent
 * answers with the database, the firewall and Xray agreeing (start-up brings the firewall and
 * Xray to the database), and the surviving keys' totals equal what the kernel counted on their
 * ports: bytes moved before, during and while the agent was down, each counted once.
 */
describe('fault: kill -9 of the agent mid-burst', () => {
  const agent = disposableSuiteFixture(() => FaultAgent.start({ sampleIntervalSeconds: 0.5, reconcileCycles: RECONCILE_CYCLES }));

  const keys = async (): Promise<ListedKey[]> => (await agent().request('GET', '/api/keys')).body;

  /** Changes keys of its own until the agent stops answering (or its steps run out). */
  async function burst(worker: number, kill: number): Promise<number> {
    let done = 0;
    try {
      for (let step = 0; step < STEPS_PER_WORKER; step += 1) {
        const created = await agent().request('POST', '/api/keys', { name: `burst ${kill}-${worker}-${step}` });
        const path = `/api/keys/${created.body.id}`;
        await agent().request('PATCH', path, { is_active: false });
        await agent().request('PATCH', path, { is_active: true });
        if (step % 2 === 0) await agent().request('DELETE', path);
        done += 1;
      }
    } catch {
      // The agent was killed under this request: what it did is for the database to say.
    }
    return done;
  }

  /** Moves bytes through the survivors until told to stop; bounded by count. */
  async function traffic(survivors: readonly ListedKey[], stop: () => boolean): Promise<number> {
    let moved = 0;
    for (let index = 0; index < 20 && !stop(); index += 1) {
      await Promise.all(survivors.map((key) => agent().moveBytes(key.port, UP, DOWN)));
      moved += 1;
    }
    return moved;
  }

  test('after a restart on the same data dir, all parts agree and the survivors count every byte once', async () => {
    const survivors: ListedKey[] = [];
    for (const name of ['survivor a', 'survivor b']) survivors.push((await agent().request('POST', '/api/keys', { name })).body);
    const toDisable: ListedKey = (await agent().request('POST', '/api/keys', { name: 'survivor disabled' })).body;
    const disabled: ListedKey = (await agent().request('PATCH', `/api/keys/${toDisable.id}`, { is_active: false })).body;
    assert.equal(disabled.is_active, false);
    await Promise.all(survivors.map((key) => agent().moveBytes(key.port, UP, DOWN)));
    await agent().settle(2);

    for (let kill = 0; kill < KILLS; kill += 1) {
      let killed = false;
      const bursts = Promise.all(Array.from({ length: WORKERS }, (_, worker) => burst(worker, kill)));
      const flowing = traffic(survivors, () => killed);
      // Somewhere inside the burst: a different moment each time.
      await sleep(700 + kill * 600);
      await agent().kill9();
      killed = true;
      const [steps] = await Promise.all([bursts, flowing]);
      assert.ok(steps.some((count) => count < STEPS_PER_WORKER), `the kill came mid-burst (steps done: ${steps.join(', ')})`);

      // The kernel and Xray go on without the agent: these bytes are counted after the restart.
      await Promise.all(survivors.map((key) => agent().moveBytes(key.port, UP, DOWN)));
      await agent().launch();
      const listed = await keys();
      assert.deepEqual(disagreements(listed, FAULT_XRAY_API, agent().run), [], `after restart ${kill + 1}, before any reconcile: ${JSON.stringify(listed)}`);
      for (const key of [...survivors, disabled]) {
        assert.deepEqual(listed.find((candidate) => candidate.id === key.id), key, 'a survivor is as it was');
      }
    }

    // One reconcile later nothing has changed: start-up left nothing for it to remove.
    const reconciled = await waitFor(
      'a reconcile after the last restart',
      async () => {
        const status = (await agent().request('GET', '/api/system/config-status')).body.data;
        return status.reconcile?.last_run_at ? status : undefined;
      },
      15_000,
    );
    assert.deepEqual(reconciled.reconcile.removed, []);
    assert.deepEqual(reconciled.reconcile.restored, []);
    assert.equal(reconciled.in_sync, true, JSON.stringify(reconciled));

    await Promise.all(survivors.map((key) => agent().moveBytes(key.port, UP, DOWN)));
    await agent().settle();
    for (const key of survivors) {
      const total = (await agent().request('GET', `/api/keys/${key.id}/traffic/history`)).body.data.total_traffic;
      const kernel = kernelBytes(key.port, agent().run);
      assert.ok(kernel.rxBytes >= (2 + 2 * KILLS) * UP && kernel.txBytes >= (2 + 2 * KILLS) * DOWN, JSON.stringify(kernel));
      assert.deepEqual({ rxBytes: total.rx_bytes, txBytes: total.tx_bytes }, kernel, `${key.id}: every byte the kernel counted, once`);
    }
  });
});
