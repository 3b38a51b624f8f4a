import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { WEB_BRIDGE_PATH, type WireReply } from '../../shared/bridge/bridge-protocol.ts';
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
  /** The page's address with its token: the only way in. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const SESSION_COOKIE = 'keyport_session';
const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Web mode: the renderer served on 127.0.0.1 and the contract bridged over a WebSocket. Every
 * request needs the random token, from the URL the console printed or from the HttpOnly cookie
 * that URL sets; the Host and Origin headers must name this very address, so another site in the
 * admin's browser (or a DNS-rebound name) cannot drive it.
 */
export async function startWebConsole(options: WebConsoleOptions): Promise<WebConsole> {
  const token = randomBytes(32).toString('base64url');
  let origin = '';
  const allowedHosts = new Set<string>();

  const authorised = (request: IncomingMessage, url: URL) => {
    if (!allowedHosts.has(request.headers.host ?? '')) return false;
    return sameSecret(url.searchParams.get('token'), token) || sameSecret(cookieValue(request, SESSION_COOKIE), token);
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    if (!authorised(request, url)) return refuse(response);
    if (url.searchParams.has('token')) {
      response.setHeader('Set-Cookie', `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    void serveStaticFile(options.rendererDir, url.pathname, response, securityHeaders(url.host));
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (request, socket, head) => {
    // A peer that resets the connection mid-handshake must not take the console down with it.
    socket.on('error', () => socket.destroy());
    const url = new URL(request.url ?? '/', origin);
    const sameOrigin = request.headers.origin === `http://${request.headers.host}`;
    if (url.pathname !== WEB_BRIDGE_PATH || !sameOrigin || !authorised(request, url)) {
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
  allowedHosts.add(`127.0.0.1:${port}`).add(`localhost:${port}`);

  return {
    url: `${origin}/?token=${token}`,
    port,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function bridgeSocket(ws: WebSocket, services: KeyportServices): void {
  const send = (reply: WireReply) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
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
