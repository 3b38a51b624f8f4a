import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { suiteAgent } from '../support/suite-agent.ts';
import { lsi } from '../support/xray-api.ts';

describe('when Xray runs but its API does not answer, the agent restarts it', () => {
  let frozenPid: number | undefined;
  const agent = suiteAgent(undefined, () => {
    if (frozenPid !== undefined) {
      try {
        process.kill(frozenPid, 'SIGKILL');
      } catch {
        // Already ended by the agent's restart, as it should be.
      }
    }
  });

  test('a key created while the API hangs is applied by a restart from the file', async () => {
    const first = (await agent().post('/api/keys', { name: 'before-freeze' })).body;
    frozenPid = agent().xrayPid();
    assert.ok(frozenPid);
    // A stopped process still accepts connections (the kernel does), but never answers them.
    process.kill(frozenPid, 'SIGSTOP');

    const second = await agent().post('/api/keys', { name: 'during-freeze' });
    assert.equal(second.status, 200);
    const status = (await agent().get('/api/system/xray/config-status')).body.data;
    assert.equal(status.last_apply.method, 'restart', JSON.stringify(status.last_apply));
    assert.equal(status.last_apply.ok, true);
    assert.notEqual(agent().xrayPid(), frozenPid);
    assert.equal(status.in_sync, true);
    const tags = await lsi(agent().xrayApiPort);
    assert.deepEqual(tags.sort(), [`keyport-${first.id}`, `keyport-${second.body.id}`].sort());
  });
});
