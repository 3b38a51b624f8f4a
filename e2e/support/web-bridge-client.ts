import { request } from 'node:http';
import WebSocket from 'ws';
import type { BridgeCall, BridgeOutcome, WireReply } from '../../src/shared/bridge/bridge-protocol.ts';

/** A web-mode session as a browser gets it from the printed link: the cookie and the page token. */
export interface WebSession {
  port: number;
  origin: string;
  cookie: string;
  pageToken: string;
  /** The subprotocols the page offers when it opens the bridge. */
  protocols: string[];
}

/** Opens the printed link as the browser does (the 303 sets the cookie; its fragment holds the page token). */
export function loginToWebConsole(link: string): Promise<WebSession> {
  const url = new URL(link);
  return new Promise((resolve, reject) => {
    request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}` }, (response) => {
      response.resume();
      const pageToken = /^\/#session=([\w-]+)$/.exec(response.headers.location ?? '')?.[1];
      const cookie = response.headers['set-cookie']?.[0]?.split(';')[0];
      if (response.statusCode !== 303 || !pageToken || !cookie) {
        reject(new Error(`the login link answered ${response.statusCode} ${response.headers.location ?? ''}`));
        return;
      }
      resolve({ port: Number(url.port), origin: url.origin, cookie, pageToken, protocols: ['keyport-bridge', `keyport-session.${pageToken}`] });
    })
      .on('error', reject)
      .end();
  });
}

/** Opens the bridge socket with exactly these headers and subprotocols; rejects with the status when refused. */
export function openBridgeSocket(port: number, headers: Record<string, string>, protocols: string[], timeoutMs = 10_000): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge`, protocols, { headers, handshakeTimeout: timeoutMs });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_request, response) => {
      response.resume();
      reject(new Error(`refused with ${response.statusCode}`));
    });
    ws.once('error', reject);
  });
}

export function openSessionSocket(session: WebSession): Promise<WebSocket> {
  return openBridgeSocket(session.port, { Origin: session.origin, Cookie: session.cookie }, session.protocols);
}

/** Sends one call on an open bridge socket and waits for its outcome. */
export function callOverSocket(ws: WebSocket, call: BridgeCall, timeoutMs = 30_000): Promise<BridgeOutcome> {
  const id = Math.floor(Math.random() * 2 ** 31);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no answer to ${call.service}.${call.method} in ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (data: WebSocket.RawData) => {
      const reply = JSON.parse(String(data)) as WireReply;
      if (reply.id === id && 'outcome' in reply) done(undefined, reply.outcome);
    };
    const onClose = (code: number) => done(new Error(`the socket closed (${code}) before ${call.service}.${call.method} was answered`));
    const done = (error?: Error, outcome?: BridgeOutcome) => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      if (error) reject(error);
      else resolve(outcome!);
    };
    ws.on('message', onMessage);
    ws.once('close', onClose);
    ws.send(JSON.stringify({ id, call }));
  });
}

/** Resolves with the close code the console sent, or rejects when none came in time. */
export function closeCodeOf(ws: WebSocket, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the socket was not closed in ${timeoutMs} ms`)), timeoutMs);
    ws.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}
