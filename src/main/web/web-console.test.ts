import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { createBridgeClient } from '../../shared/bridge/bridge-client.ts';
import type { BridgeOutcome, BridgeTransport, WireReply } from '../../shared/bridge/bridge-protocol.ts';
import type { DeployProgress } from '../../shared/contract/deploy.ts';
import { KeyportError } from '../../shared/contract/errors.ts';
import type { KeyportServices } from '../../shared/contract/services.ts';
import { startWebConsole, type WebConsole } from './web-console.ts';

const calls: string[] = [];
const services = {
  fleet: {
    list: async () => (calls.push('fleet.list'), [{ name: 'alpha' }]),
    // An answer JSON cannot carry, as a faulty service might give.
    sync: async () => ({ rxBytes: 1n }),
    status: async (server: string) => {
      throw new KeyportError('not-found', `no server named ${server}`, { server });
    },
  },
  deploy: {
    deploy: async (server: string, _options: unknown, onProgress: (progress: DeployProgress) => void) => {
      onProgress({ step: 'connect', state: 'started', notes: [{ id: 'connecting', facts: { user: 'root', host: server, port: 22 } }] });
      onProgress({ step: 'connect', state: 'done', notes: [{ id: 'loggedInAsRoot', facts: {} }] });
      return { release: '0.1.0-abc' };
    },
  },
} as unknown as KeyportServices;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

/** A Node-side transport speaking web mode's wire format, as the page's WebSocket does. */
function socketTransport(ws: WebSocket): BridgeTransport {
  let nextId = 1;
  const pending = new Map<number, { resolve: (outcome: BridgeOutcome) => void; onProgress?: (progress: unknown) => void }>();
  ws.on('message', (data) => {
    const reply = JSON.parse(String(data)) as WireReply;
    const entry = pending.get(reply.id);
    if (!entry) return;
    if ('outcome' in reply) entry.resolve(reply.outcome);
    else entry.onProgress?.(reply.progress);
  });
  return {
    invoke: (call, onProgress) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, { resolve, onProgress });
        ws.send(JSON.stringify({ id, call }));
      }),
  };
}

function openSocket(port: number, headers: Record<string, string>, protocols: string[] = []): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge`, protocols, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_request, response) => reject(new Error(`refused with ${response.statusCode}`)));
    ws.once('error', reject);
  });
}

interface Session {
  /** The Cookie header the browser sends back. */
  cookie: string;
  pageToken: string;
  /** What the page offers as subprotocols when it opens the bridge. */
  protocols: string[];
}

/** Opens the printed link as the browser does: the session cookie and the page token from the redirect. */
async function login(web: WebConsole): Promise<Session> {
  const link = new URL(web.url);
  const reply = await get(web.port, `${link.pathname}${link.search}`);
  assert.equal(reply.status, 303);
  const pageToken = /^\/#session=([\w-]{43})$/.exec(String(reply.headers.location))?.[1];
  assert.ok(pageToken, String(reply.headers.location));
  const cookie = String(reply.headers['set-cookie']?.[0]).split(';')[0]!;
  return { cookie, pageToken, protocols: ['keyport-bridge', `keyport-session.${pageToken}`] };
}

describe('web console', () => {
  let workDir: string;
  let root: string;
  let web: WebConsole;
  let token: string;
  let cookie: string;
  let session: Session;
  let origin: string;

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'keyport-web-'));
    root = join(workDir, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Keyport</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log("app")');
    writeFileSync(join(workDir, 'keyport-web-secret.txt'), 'outside the renderer');
    web = await startWebConsole({ services, rendererDir: root });
    token = new URL(web.url).searchParams.get('token') ?? '';
    session = await login(web);
    cookie = session.cookie;
    origin = `http://127.0.0.1:${web.port}`;
  });

  after(async () => {
    await web.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  test('listens on 127.0.0.1 with a long random token in its URL', () => {
    assert.match(web.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
  });

  test('the link starts a session: a per-port HttpOnly cookie, and the page token only in the redirect’s fragment', async () => {
    const reply = await get(web.port, `/?token=${token}`);
    assert.equal(reply.status, 303);
    const [setCookie] = reply.headers['set-cookie'] ?? [];
    assert.match(String(setCookie), new RegExp(`^keyport_session_${web.port}=[\\w-]{43}; HttpOnly; SameSite=Strict; Path=/$`));
    const sessionId = String(setCookie).split(';')[0]!.split('=')[1]!;
    const pageToken = String(reply.headers.location).replace('/#session=', '');
    assert.notEqual(sessionId, token);
    assert.notEqual(pageToken, token);
    assert.notEqual(pageToken, sessionId);
    assert.equal(reply.headers['referrer-policy'], 'no-referrer');
  });

  test('with its session cookie the page loads; CSP is strict', async () => {
    const page = await get(web.port, '/', { Cookie: cookie });
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>Keyport<\/title>/);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-eval/);
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    const asset = await get(web.port, '/assets/app.js', { Cookie: cookie });
    assert.equal(asset.status, 200);
    assert.match(String(asset.headers['content-type']), /^text\/javascript/);
  });

  test('requests without the token, with a wrong one, or for another host name are refused', async () => {
    assert.equal((await get(web.port, '/')).status, 403);
    assert.equal((await get(web.port, '/assets/app.js')).status, 403);
    assert.equal((await get(web.port, `/?token=${token.slice(1)}x`)).status, 403);
    assert.equal((await get(web.port, '/', { Cookie: `keyport_session_${web.port}=guess` })).status, 403);
    // The login secret itself is no session, under the old cookie name or the new.
    assert.equal((await get(web.port, '/', { Cookie: `keyport_session=${token}` })).status, 403);
    assert.equal((await get(web.port, '/', { Cookie: `keyport_session_${web.port}=${token}` })).status, 403);
    const rebound = await get(web.port, `/?token=${token}`, { Host: `evil.example:${web.port}` });
    assert.equal(rebound.status, 403);
    assert.match(rebound.body, /link \(and its token\)/);
  });

  test('a request target that is no URL is refused, on the page and on the bridge, and the console keeps serving', async () => {
    for (const upgrade of ['', 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n']) {
      const answer = await new Promise<string>((resolve, reject) => {
        const raw = connect(web.port, '127.0.0.1', () => raw.write(`GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\nCookie: ${cookie}\r\n${upgrade}\r\n`));
        let text = '';
        raw.on('data', (chunk) => (text += String(chunk)));
        raw.on('end', () => resolve(text));
        raw.on('close', () => resolve(text));
        raw.on('error', reject);
      });
      assert.match(answer, /^HTTP\/1\.1 (400|403) /, JSON.stringify(upgrade));
    }
    assert.equal((await get(web.port, '/', { Cookie: cookie })).status, 200);
  });

  test('nothing outside the built renderer is served', async () => {
    for (const path of ['/../keyport-web-secret.txt', '/%2e%2e/keyport-web-secret.txt', '/assets/%2e%2e%2f%2e%2e%2fkeyport-web-secret.txt', '/%E0%A4%A']) {
      const reply = await get(web.port, path, { Cookie: cookie });
      assert.equal(reply.status, 404, path);
      assert.doesNotMatch(reply.body, /outside the renderer/);
    }
  });

  test('the bridge opens only for the session cookie together with its page token, from this page’s origin', async () => {
    const other = await login(web);
    const refusals: [string, Record<string, string>, string[]][] = [
      ['nothing', { Origin: origin }, []],
      ['the cookie alone', { Origin: origin, Cookie: cookie }, []],
      ['the cookie and only the bridge subprotocol', { Origin: origin, Cookie: cookie }, ['keyport-bridge']],
      ['the page token alone', { Origin: origin }, session.protocols],
      ['the cookie with another session’s token', { Origin: origin, Cookie: cookie }, other.protocols],
      ['the login secret as the token', { Origin: origin, Cookie: cookie }, ['keyport-bridge', `keyport-session.${token}`]],
      ['another origin', { Origin: 'http://evil.example', Cookie: cookie }, session.protocols],
      ['another port’s origin', { Origin: 'http://127.0.0.1:1', Cookie: cookie }, session.protocols],
    ];
    for (const [what, headers, protocols] of refusals) {
      await assert.rejects(openSocket(web.port, headers, protocols), /refused with 403/, what);
    }
    const ws = await openSocket(web.port, { Origin: origin, Cookie: cookie }, session.protocols);
    assert.equal(ws.protocol, 'keyport-bridge', 'the token is never echoed back');
    ws.close();
    const second = await openSocket(web.port, { Origin: origin, Cookie: other.cookie }, other.protocols);
    second.close();
  });

  test('calls run on the services; progress streams; KeyportErrors keep their code and facts', async () => {
    const ws = await openSocket(web.port, { Origin: origin, Cookie: cookie }, session.protocols);
    const client = createBridgeClient(socketTransport(ws));
    calls.length = 0;
    assert.deepEqual(await client.fleet.list(), [{ name: 'alpha' }]);
    assert.deepEqual(calls, ['fleet.list']);

    const progress: DeployProgress[] = [];
    const result = await client.deploy.deploy('alpha', {}, (step) => progress.push(step));
    assert.deepEqual(result, { release: '0.1.0-abc' });
    assert.deepEqual(progress.map((step) => `${step.step}:${step.state}`), ['connect:started', 'connect:done']);

    const unsendable = await client.fleet.sync('alpha').catch((caught: unknown) => caught);
    assert.ok(unsendable instanceof KeyportError);
    assert.equal(unsendable.code, 'internal');
    assert.match(unsendable.message, /could not be sent/);
    assert.deepEqual(await client.fleet.list(), [{ name: 'alpha' }]);

    const error = await client.fleet.status('nope').catch((caught: unknown) => caught);
    assert.ok(error instanceof KeyportError);
    assert.equal(error.code, 'not-found');
    assert.deepEqual(error.facts, { server: 'nope' });
    ws.close();
  });

  test('a call outside the contract, or with too many arguments, is refused as bad input', async () => {
    const ws = await openSocket(web.port, { Origin: origin, Cookie: cookie }, session.protocols);
    const transport = socketTransport(ws);
    for (const call of [
      { service: 'fleet', method: 'constructor', args: [] },
      { service: '__proto__', method: 'toString', args: [] },
      { service: 'fleet', method: 'list', args: [1] },
    ]) {
      const outcome = await transport.invoke(call);
      assert.equal(outcome.ok, false, JSON.stringify(call));
      if (!outcome.ok) assert.equal(outcome.error.code, 'bad-input');
    }
    ws.close();
  });

  test('a hostile frame closes only its own socket, with a close code, and the console keeps serving', async () => {
    const hostile: [string, (ws: WebSocket) => void, number][] = [
      ['a 1.5 MB frame', (ws) => ws.send('x'.repeat(1_500_000)), 1009],
      ['a text frame that is not UTF-8', (ws) => ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }), 1007],
      ['a binary frame', (ws) => ws.send(Buffer.from('{"id":1}'), { binary: true }), 1003],
      ['garbage JSON', (ws) => ws.send('{"id": 1, call'), 1003],
      ['a frame without an id', (ws) => ws.send('[1,2,3]'), 1003],
    ];
    const bystander = await openSocket(web.port, { Origin: origin, Cookie: cookie }, session.protocols);
    const client = createBridgeClient(socketTransport(bystander));
    for (const [what, send, code] of hostile) {
      const ws = await openSocket(web.port, { Origin: origin, Cookie: cookie }, session.protocols);
      const closed = new Promise<number>((resolve) => ws.once('close', (closeCode) => resolve(closeCode)));
      ws.on('error', () => {});
      send(ws);
      assert.equal(await closed, code, what);
      assert.deepEqual(await client.fleet.list(), [{ name: 'alpha' }], `after ${what}`);
    }
    bystander.close();
  });
});
