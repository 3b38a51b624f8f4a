import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type WebSocket from 'ws';
import type { BridgeOutcome } from '../../src/shared/bridge/bridge-protocol.ts';
import {
  callOverSocket,
  closeCodeOf,
  loginToWebConsole,
  openBridgeSocket,
  openSessionSocket,
  type WebSession,
} from '../support/web-bridge-client.ts';
import { startWebConsoleProcess, type RunningWebConsole } from '../support/web-console-process.ts';

const REPO = resolve(import.meta.dirname, '../..');

/**
 * Fault: a hostile page, or another program on this machine, talks to web mode's bridge. A real
 * `keyport console` process with the real core: bad frames close only their own socket (with a
 * close code) and the console keeps serving everyone else; calls whose arguments do not match the
 * contract answer bad-input naming the argument and change nothing; a socket without the session
 * cookie and its page token together is refused before any call.
 */
describe('hostile frames and calls against a real web console', { timeout: 110_000 }, () => {
  let scratch: string;
  let web: RunningWebConsole;
  let session: WebSession;
  let bystander: WebSocket;

  const fleetList = () => callOverSocket(bystander, { service: 'fleet', method: 'list', args: [] });
  const assertServing = async (after: string) => {
    assert.equal(web.exited(), null, `the console exited after ${after}:\n${web.output()}`);
    assert.deepEqual(await fleetList(), { ok: true, value: [] }, `after ${after}`);
  };

  before(async () => {
    if (!existsSync(join(REPO, 'out/renderer/index.html'))) {
      execFileSync(join(REPO, 'node_modules/.bin/electron-vite'), ['build'], { cwd: REPO, stdio: 'ignore' });
    }
    scratch = mkdtempSync(join(tmpdir(), 'keyport-hostile-bridge-'));
    mkdirSync(join(scratch, 'home'), { mode: 0o700 });
    web = await startWebConsoleProcess({ HOME: join(scratch, 'home'), KEYPORT_HOME: join(scratch, 'keyport'), SSH_AUTH_SOCK: '' });
    session = await loginToWebConsole(web.url);
    bystander = await openSessionSocket(session);
  });

  after(async () => {
    bystander?.terminate();
    await web?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('each hostile frame closes only its own socket, with a close code, and the console keeps serving', async () => {
    const frames: [string, (ws: WebSocket) => void, number][] = [
      ['a 1.5 MB frame', (ws) => ws.send('x'.repeat(1_500_000)), 1009],
      ['a text frame that is not UTF-8', (ws) => ws.send(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), { binary: false }), 1007],
      ['a binary frame', (ws) => ws.send(Buffer.from(JSON.stringify({ id: 1, call: { service: 'fleet', method: 'list', args: [] } })), { binary: true }), 1003],
      ['garbage JSON', (ws) => ws.send('{"id": 1, "call": {'), 1003],
      ['JSON without an id', (ws) => ws.send('{"call": {"service": "fleet", "method": "list", "args": []}}'), 1003],
      ['an id that is not an integer', (ws) => ws.send('{"id": "1e400", "call": null}'), 1003],
      ['JSON nested 500,000 deep', (ws) => ws.send('['.repeat(500_000) + ']'.repeat(500_000)), 1003],
    ];
    for (const [what, send, code] of frames) {
      const ws = await openSessionSocket(session);
      ws.on('error', () => {});
      const closed = closeCodeOf(ws);
      send(ws);
      assert.equal(await closed, code, what);
      await assertServing(what);
    }
  });

  test('forty sockets sending hostile frames at once, and a peer that resets mid-handshake, leave the console serving', async () => {
    const sockets = await Promise.all(Array.from({ length: 40 }, () => openSessionSocket(session)));
    const closed = sockets.map((ws, index) => {
      ws.on('error', () => {});
      const code = closeCodeOf(ws, 30_000);
      if (index % 2 === 0) ws.send('y'.repeat(1_200_000));
      else ws.send(Buffer.from([0xff, 0xfe, 0xfd]), { binary: false });
      return code;
    });
    assert.deepEqual(new Set(await Promise.all(closed)), new Set([1009, 1007]));
    await new Promise<void>((done, fail) => {
      const raw = connect(session.port, '127.0.0.1', () => {
        raw.write(`GET /bridge HTTP/1.1\r\nHost: 127.0.0.1:${session.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`);
        setTimeout(() => {
          raw.resetAndDestroy();
          done();
        }, 50);
      });
      raw.once('error', fail);
    });
    await assertServing('the burst and the reset');
  });

  test('calls whose arguments do not match the contract answer bad-input naming the argument, and change nothing', async () => {
    const refused: [BridgeOutcome, number | null, string | null][] = [];
    const call = async (service: string, method: string, args: unknown[], argument: number | null, field: string | null) =>
      refused.push([await callOverSocket(bystander, { service, method, args }), argument, field]);
    await call('keys', 'create', [{ not: 'a name' }, 12345], 0, '');
    await call('keys', 'create', ['alpha'], 1, '');
    await call('fleet', 'add', [{ name: 'alpha', host: '127.0.0.1', port: '22', user: 'root', auth: { method: 'agent' } }], 0, '/port');
    await call('fleet', 'add', [{ name: 'alpha', host: '127.0.0.1', port: 22, user: 'root', auth: { method: 'agent' }, constructor: {} }], 0, '/constructor');
    await call('fleet', 'probeHostKey', [{ sshAlias: 'alpha', host: 'x' }], 0, '');
    await call('deploy', 'deploy', ['alpha', { keyPorts: { from: '10001', to: 20000 } }], 1, '/keyPorts/from');
    await call('deploy', 'uninstall', ['alpha', { keepData: 0 }], 1, '/keepData');
    await call('keys', 'setActive', ['alpha', 'k1', 'true'], 2, '');
    await call('traffic', 'monthly', ['alpha', { year: 2026, month: 0 }], 1, '/month');
    await call('system', 'updateSettings', ['alpha', { access_log: true, shell: 'rm -rf /' }], 1, '/shell');
    await call('fleet', 'list', [1], 0, null);
    await call('fleet', 'constructor', [], null, null);
    await call('__proto__', 'toString', [], null, null);
    for (const [outcome, argument, field] of refused) {
      assert.equal(outcome.ok, false, JSON.stringify(outcome));
      if (outcome.ok) continue;
      assert.equal(outcome.error.code, 'bad-input', JSON.stringify(outcome.error));
      if (argument !== null) assert.equal(outcome.error.facts.argument, argument, JSON.stringify(outcome.error));
      if (field !== null) assert.equal(outcome.error.facts.field, field, JSON.stringify(outcome.error));
    }
    await assertServing('the hostile calls (no server was added)');
  });

  test('without the session cookie and its own page token together, no socket opens and nothing is called', async () => {
    const other = await loginToWebConsole(web.url);
    const loginSecret = new URL(web.url).searchParams.get('token')!;
    const { port, origin, cookie } = session;
    const attempts: [string, Record<string, string>, string[]][] = [
      ['no credentials', { Origin: origin }, ['keyport-bridge']],
      ['the cookie alone, as another local service that received it would send it', { Origin: origin, Cookie: cookie }, []],
      ['the cookie with only the bridge subprotocol', { Origin: origin, Cookie: cookie }, ['keyport-bridge']],
      ['the page token alone', { Origin: origin }, session.protocols],
      ['the cookie with another session’s page token', { Origin: origin, Cookie: cookie }, other.protocols],
      ['the login secret as cookie and token', { Origin: origin, Cookie: `keyport_session_${port}=${loginSecret}` }, ['keyport-bridge', `keyport-session.${loginSecret}`]],
      ['a valid pair from another origin', { Origin: `http://127.0.0.1:${port + 1}`, Cookie: cookie }, session.protocols],
    ];
    for (const [what, headers, protocols] of attempts) {
      await assert.rejects(openBridgeSocket(port, headers, protocols), /refused with 403/, what);
    }
    const second = await openSessionSocket(other);
    assert.deepEqual(await callOverSocket(second, { service: 'fleet', method: 'list', args: [] }), { ok: true, value: [] });
    second.close();
    await assertServing('the refused sockets');
  });
});
