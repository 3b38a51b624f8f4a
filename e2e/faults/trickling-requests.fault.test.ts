import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../../remote-agent/src/http/connection-limits.ts';
import { answerBody, trickle } from '../../test-support/trickle.ts';
import { sleep, waitFor } from '../../test-support/wait.ts';
import { VpnTestNetwork } from '../harness/vpn-test-network.ts';
import { NamespacedAgent } from '../support/namespaced-agent.ts';

const SLOW_PEERS = 50;
// Node looks for late requests once a second; the rest is slack for a loaded machine.
const CLOSED_WITHIN_MS = DEFAULT_REQUEST_TIMEOUT_MS + 6_000;
const GIVE_UP_MS = DEFAULT_REQUEST_TIMEOUT_MS + 15_000;
const PROBE_EVERY_MS = 2_000;
const PROBE_ANSWERED_WITHIN_MS = 2_000;

/**
 * The fault: 50 peers that hold the API key open a request each and send its body a byte every
 * 200 ms (a slow-loris attack through the tunnel, or a client on a dying link). The agent runs as
 * it ships (its real 30 s request timeout) in a namespace of its own; each peer reaches it
 * through a socat of its own, as each tunnel channel reaches it through sshd.
 */
describe('fault: 50 authenticated requests trickle in', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'keyport-trickle-'));
  // The slow peers come through a Unix socket (paths are not namespaced) into a socat that forks
  // a copy per connection: 50 of them cost no process start each, unlike the agent's own bridge.
  const bridge = join(scratch, 'api.sock');
  let network: VpnTestNetwork;
  let agent: NamespacedAgent;

  before(async () => {
    network = VpnTestNetwork.create();
    agent = await NamespacedAgent.start(network, { dataDir: join(scratch, 'agent'), publicHost: 'vpn.example.com' });
    const socat = network.spawn('bridge', network.server, 'socat', [`UNIX-LISTEN:${bridge},fork,backlog=128`, 'TCP:127.0.0.1:8000']);
    await waitFor('the bridge socket', () => (existsSync(bridge) ? true : undefined), 5_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${socat.output}`);
    });
  });
  after(async () => {
    await agent?.stop();
    await network?.destroy();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('the agent keeps serving, closes each slow socket with a 408 at its timeout, and creates nothing from them', async () => {
    const existing = (await agent.request('POST', '/api/keys', { name: 'existing' })).body;
    const body = JSON.stringify({ name: 'from-a-trickle' });
    const text =
      `POST /api/keys HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: ${agent.apiKey}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length + 1000}\r\n\r\n${body}`;
    const slow = Array.from({ length: SLOW_PEERS }, () => trickle({ path: bridge, text, tickMs: 200, giveUpMs: GIVE_UP_MS }));
    let open = SLOW_PEERS;
    void Promise.all(slow.map((outcome) => outcome.then(() => (open -= 1))));

    // While they hold their sockets: reads, a create and a delete are answered as usual.
    const startedAt = Date.now();
    let probes = 0;
    let served: { id: string } | undefined;
    while (open > 0 && Date.now() - startedAt < GIVE_UP_MS) {
      const probeAt = Date.now();
      assert.equal((await agent.request('GET', '/api/keys')).status, 200);
      assert.equal((await agent.request('GET', '/api/traffic/simple')).status, 200);
      if (probes === 2) {
        served = (await agent.request('POST', '/api/keys', { name: 'served-meanwhile' })).body;
        assert.equal((await agent.request('DELETE', `/api/keys/${served!.id}`)).status, 200);
      } else {
        assert.ok(Date.now() - probeAt < PROBE_ANSWERED_WITHIN_MS, `reads took ${Date.now() - probeAt} ms beside ${open} slow sockets`);
      }
      probes += 1;
      await sleep(PROBE_EVERY_MS);
    }
    assert.ok(served, 'the create and delete ran while the slow sockets were open');

    const outcomes = await Promise.all(slow);
    for (const [index, outcome] of outcomes.entries()) {
      const what = `slow socket ${index}`;
      assert.ok(outcome.closedByServer, `${what}: still open after ${outcome.afterMs} ms`);
      assert.ok(outcome.afterMs >= DEFAULT_REQUEST_TIMEOUT_MS - 500, `${what}: closed after only ${outcome.afterMs} ms`);
      assert.ok(outcome.afterMs <= CLOSED_WITHIN_MS, `${what}: closed after ${outcome.afterMs} ms`);
      assert.ok(outcome.bytesSent < text.length, `${what}: its request was sent in full`);
      assert.match(outcome.answer, /^HTTP\/1\.1 408 /, what);
      assert.deepEqual(answerBody(outcome.answer), {
        status: 'error',
        detail: `the request did not arrive in full within ${DEFAULT_REQUEST_TIMEOUT_MS / 1000} s`,
      });
    }

    const keys = (await agent.request('GET', '/api/keys')).body as Array<{ id: string }>;
    assert.deepEqual(keys.map((key) => key.id), [existing.id], 'only the key made before: none from the slow sockets');
    const held = network.exec(network.server, 'ss', ['-Htn', 'state', 'established', '( sport = :8000 )']).trim();
    assert.equal(held, '', 'the agent holds no socket of the slow peers');
    assert.doesNotMatch(agent.output, /error|failed/i, 'slow peers are not faults of the agent');
  });
});
