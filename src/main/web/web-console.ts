import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BRIDGE_SUBPROTOCOL, SESSION_SUBPROTOCOL_PREFIX, WEB_BRIDGE_PATH, WEB_SESSION_FRAGMENT, toBridgeFailure, type WireReply } from '../../shared/bridge/bridge-protocol.ts';
import type { KeyportServices } from '../../shared/contract/services.ts';
import { dispatchBridgeCall } from '../bridge/dispatch-bridge-call.ts';
import { serveStaticFile } from './static-files.ts';

export interface WebConsoleOptions {
  services: KeyportServices;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface WebConsole {
  /** The page's address with its login secret: the only way in. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_FRAME_BYTES = 1024 * 1024;
/** Sessions kept at once (a tab each time the link is opened); the oldest goes first. */
const MAX_SESSIONS = 64;

/**
 * Web mode: the renderer served on 127.0.0.1 and the contract bridged over a WebSocket.
 *
 * The printed link carries a login secret. Opening it starts a session: an HttpOnly cookie named
 * for this port (cookies ignore ports, so a fixed name would be overwritten by, and sent to, every
 * other service on 127.0.0.1) and a page token handed over in the redirect's fragment, which the
 * page keeps in sessionStorage and offers as a WebSocket subprotocol. The bridge opens only for
 * both together: the cookie, which every 127.0.0.1 port the browser visits receives, is worth
 * nothing alone, and the token never travels in a URL that is sent or logged. Host and Origin must
 * name this very address, so another site in the admin's browser (or a DNS-rebound name) cannot
 * drive it.
 */
export async function startWebConsole(options: WebConsoleOptions): Promise<WebConsole> {
  const loginSecret = randomBytes(32).toString('base64url');
  /** Session cookie value -> the page token that goes with it. */
  const sessions = new Map<string, string>();
  let origin = '';
  let sessionCookie = '';
  const allowedHosts = new Set<string>();

  const sessionOf = (request: IncomingMessage): string | undefined => {
    const cookie = cookieValue(request, sessionCookie);
    if (cookie === null) return undefined;
    for (const [id, pageToken] of sessions) if (sameSecret(cookie, id)) return pageToken;
    return undefined;
  };

  const startSession = (): { id: string; pageToken: string } => {
    const id = randomBytes(32).toString('base64url');
    const pageToken = randomBytes(32).toString('base64url');
    sessions.set(id, pageToken);
    for (const oldest of sessions.keys()) {
      if (sessions.size <= MAX_SESSIONS) break;
      sessions.delete(oldest);
    }
    return { id, pageToken };
  };

  const server = createServer((request, response) => {
    const url = requestUrl(request, origin);
    if (!url || !allowedHosts.has(request.headers.host ?? '')) return refuse(response);
    if (url.searchParams.has('token')) {
      if (!sameSecret(url.searchParams.get('token'), loginSecret)) return refuse(response);
      const session = startSession();
      response.writeHead(303, {
        'Set-Cookie': `${sessionCookie}=${session.id}; HttpOnly; SameSite=Strict; Path=/`,
        // The fragment reaches the page and never a server: the page token is in no request line or log.
        Location: `/#${WEB_SESSION_FRAGMENT}=${session.pageToken}`,
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
      });
      return response.end();
    }
    if (sessionOf(request) === undefined) return refuse(response);
    void serveStaticFile(options.rendererDir, url.pathname, response, securityHeaders(url.host));
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, handleProtocols: () => BRIDGE_SUBPROTOCOL });
  server.on('upgrade', (request, socket, head) => {
    // A peer that resets the connection mid-handshake must not take the console down with it.
    socket.on('error', () => socket.destroy());
    const url = requestUrl(request, origin);
    const sameOrigin = request.headers.origin === `http://${request.headers.host}`;
    const pageToken = sessionOf(request);
    const offered = offeredProtocols(request);
    const tokenOffered = offered.find((protocol) => protocol.startsWith(SESSION_SUBPROTOCOL_PREFIX))?.slice(SESSION_SUBPROTOCOL_PREFIX.length) ?? null;
    const authorised =
      allowedHosts.has(request.headers.host ?? '') &&
      pageToken !== undefined &&
      offered.includes(BRIDGE_SUBPROTOCOL) &&
      sameSecret(tokenOffered, pageToken);
    if (url?.pathname !== WEB_BRIDGE_PATH || !sameOrigin || !authorised) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => bridgeSocket(ws, options.services));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  sessionCookie = sessionCookieName(port);
  allowedHosts.add(`127.0.0.1:${port}`).add(`localhost:${port}`);

  return {
    url: `${origin}/?token=${loginSecret}`,
    port,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The session cookie's name on this port: two consoles (or another local service) never share one. */
export function sessionCookieName(port: number): string {
  return `keyport_session_${port}`;
}

/** The request's URL, or null when its target does not parse (say `GET http://[`): a throw here would end the console. */
function requestUrl(request: IncomingMessage, origin: string): URL | null {
  try {
    return new URL(request.url ?? '/', origin);
  } catch {
    return null;
  }
}

function offeredProtocols(request: IncomingMessage): string[] {
  return (request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((protocol) => protocol.trim())
    .filter(Boolean);
}

function bridgeSocket(ws: WebSocket, services: KeyportServices): void {
  const send = (reply: WireReply) => {
    if (ws.readyState !== ws.OPEN) return;
    let frame: string;
    try {
      frame = JSON.stringify(reply);
    } catch (error) {
      // An answer JSON cannot carry (a BigInt, a cycle) fails that call, not the console.
      if (!('outcome' in reply)) return;
      frame = JSON.stringify({ id: reply.id, outcome: { ok: false, error: toBridgeFailure(new Error(`the answer could not be sent: ${(error as Error).message}`)) } });
    }
    ws.send(frame);
  };
  // ws has already begun closing the socket with the fitting code (1009 too big, 1007 not UTF-8)
  // when it reports a bad frame, and ends it if the peer never answers; without a listener the
  // error would end the whole console.
  ws.on('error', () => {});
  ws.on('message', (data, isBinary) => {
    if (isBinary) return ws.close(1003, 'frames are JSON text');
    let frame: { id?: unknown; call?: unknown };
    try {
      frame = JSON.parse(String(data)) as typeof frame;
    } catch {
      return ws.close(1003, 'frames are JSON');
    }
    if (typeof frame !== 'object' || frame === null || !Number.isSafeInteger(frame.id)) {
      return ws.close(1003, 'a frame needs an integer id');
    }
    const id = frame.id as number;
    void dispatchBridgeCall(services, frame.call, (progress) => send({ id, progress })).then((outcome) => send({ id, outcome }));
  });
}

function refuse(response: ServerResponse): void {
  response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end('This Keyport console opens only with the link (and its token) that `keyport console` printed.\n');
}

function securityHeaders(host: string): Record<string, string> {
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      `connect-src 'self' ws://${host}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

function cookieValue(request: IncomingMessage, name: string): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

function sameSecret(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
