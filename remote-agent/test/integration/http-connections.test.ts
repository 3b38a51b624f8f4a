import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AgentProcess } from '../support/agent-process.ts';
import { removeAgentChains } from '../support/firewall.ts';
import { answerBody, trickle, type TrickleOutcome } from '../../../test-support/trickle.ts';

const REQUEST_TIMEOUT_S = 2;
// Node looks for late requests once a second, so a socket goes between 2 and 3 s; 6 s is slack for load.
const CLOSED_WITHIN_MS = 6_000;
const GIVE_UP_MS = 12_000;

describe('a request must arrive in time: slow peers are answered 408 and closed', () => {
  let agent: AgentProcess;
  const head = (method: string, path: string, extra = '') =>
    `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: ${agent.apiKey}\r\n${extra}\r\n`;
  const keyCount = async () => (await agent.get('/api/keys')).body.length;
  const assertTimedOut = (outcome: TrickleOutcome, what: string) => {
    assert.ok(outcome.closedByServer, `${what}: still open after ${outcome.afterMs} ms`);
    assert.ok(outcome.afterMs >= REQUEST_TIMEOUT_S * 1000 - 100, `${what}: closed after only ${outcome.afterMs} ms`);
    assert.ok(outcome.afterMs <= CLOSED_WITHIN_MS, `${what}: closed after ${outcome.afterMs} ms`);
    assert.match(outcome.answer, /^HTTP\/1\.1 408 /, what);
    assert.deepEqual(answerBody(outcome.answer), {
      status: 'error',
      detail: `the request did not arrive in full within ${REQUEST_TIMEOUT_S} s`,
    });
  };

  before(async () => {
    removeAgentChains();
    agent = await AgentProcess.start({ extraFlags: ['--request-timeout', String(REQUEST_TIMEOUT_S)] });
    await agent.post('/api/keys', { name: 'existing' });
  });
  after(async () => agent?.dispose());

  test('a socket that never sends a byte', async () => {
    assertTimedOut(await trickle({ port: agent.listenPort, text: '', tickMs: 100, giveUpMs: GIVE_UP_MS }), 'silent');
  });

  test('a head sent a byte at a time', async () => {
    const text = head('GET', '/api/keys');
    const outcome = await trickle({ port: agent.listenPort, text, tickMs: 50, giveUpMs: GIVE_UP_MS });
    assert.ok(outcome.bytesSent < text.length, 'the head was all sent before the timeout: send it slower');
    assertTimedOut(outcome, 'trickled head');
  });

  test('an authenticated create whose body comes a byte at a time creates nothing', async () => {
    const before = await keyCount();
    const body = JSON.stringify({ name: 'never-created-by-a-trickle' });
    const text = head('POST', '/api/keys', `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n`) + body;
    const outcome = await trickle({ port: agent.listenPort, text, tickMs: 20, giveUpMs: GIVE_UP_MS });
    assert.ok(outcome.bytesSent < text.length, 'the body was all sent before the timeout: send it slower');
    assertTimedOut(outcome, 'trickled body');
    assert.equal(await keyCount(), before);
  });

  test('50 trickling sockets do not keep a normal request waiting, and all are closed', async () => {
    const before = await keyCount();
    const body = JSON.stringify({ name: 'trickled' });
    const text = head('POST', '/api/keys', `Content-Type: application/json\r\nContent-Length: ${body.length + 1000}\r\n`) + body;
    const slow = Array.from({ length: 50 }, () => trickle({ port: agent.listenPort, text, tickMs: 10, giveUpMs: GIVE_UP_MS }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (let round = 0; round < 5; round++) {
      const startedAt = Date.now();
      assert.equal((await agent.get('/api/keys')).status, 200);
      assert.ok(Date.now() - startedAt < 1_000, `a key list took ${Date.now() - startedAt} ms beside 50 trickling sockets`);
    }
    const created = await agent.post('/api/keys', { name: 'served' });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const outcomes = await Promise.all(slow);
    outcomes.forEach((outcome, index) => assertTimedOut(outcome, `trickling socket ${index}`));
    assert.equal(await keyCount(), before + 1);
    assert.doesNotMatch(agent.output, /error|failed/i, 'a slow peer is not a fault of the agent');
  });

  test('a request line that is not HTTP gets 400 in the error shape', async () => {
    const text = `POST /api/traffic/history/cleanup?days_to_keep= 1 HTTP/1.1\r\nHost: x\r\nX-API-Key: ${agent.apiKey}\r\nContent-Length: 0\r\n\r\n`;
    const outcome = await trickle({ port: agent.listenPort, text, tickMs: 1, giveUpMs: GIVE_UP_MS });
    assert.ok(outcome.closedByServer);
    assert.match(outcome.answer, /^HTTP\/1\.1 400 /);
    assert.deepEqual(answerBody(outcome.answer), { status: 'error', detail: 'the request is not valid HTTP/1.1' });
  });

  test('the timeout bounds the request, not the answer: a request that arrived may take longer', async () => {
    // A Reality target that accepts and never speaks TLS: verify-reality waits 4 s per step.
    const { createServer } = await import('node:net');
    const held: import('node:net').Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as import('node:net').AddressInfo).port;
      const changed = await agent.request('PATCH', '/api/system/settings', { reality_target: `127.0.0.1:${port}` });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      const startedAt = Date.now();
      const verified = await agent.post('/api/system/verify-reality');
      assert.equal(verified.status, 200, JSON.stringify(verified.body));
      assert.ok(Date.now() - startedAt > REQUEST_TIMEOUT_S * 1000, `verify-reality took only ${Date.now() - startedAt} ms`);
      assert.equal(verified.body.data.valid, false);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
