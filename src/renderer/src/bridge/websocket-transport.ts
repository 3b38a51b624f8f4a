import { BRIDGE_SUBPROTOCOL, SESSION_SUBPROTOCOL_PREFIX, WEB_BRIDGE_PATH, type BridgeOutcome, type BridgeTransport, type WireCall, type WireReply } from '../../../shared/bridge/bridge-protocol.ts';
import { t } from '../i18n/i18n.ts';

interface Pending {
  resolve: (outcome: BridgeOutcome) => void;
  onProgress?: (progress: unknown) => void;
}

/**
 * Web mode's bridge: one WebSocket to the page's own origin, authorised by the session cookie
 * together with this tab's session token, offered as a subprotocol (a header, not the URL, which
 * gets logged). A dropped socket fails the calls in flight and the next call opens a new one.
 */
export function webSocketTransport(
  sessionToken: string | null,
  url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WEB_BRIDGE_PATH}`,
): BridgeTransport {
  let socket: Promise<WebSocket> | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const failAll = (message: string) => {
    for (const [id, call] of pending) {
      pending.delete(id);
      call.resolve({ ok: false, error: { code: 'internal', message, facts: {} } });
    }
  };

  const connect = () =>
    new Promise<WebSocket>((resolve, reject) => {
      if (!sessionToken) {
        reject(new Error(t('bridge.noSession')));
        return;
      }
      const ws = new WebSocket(url, [BRIDGE_SUBPROTOCOL, `${SESSION_SUBPROTOCOL_PREFIX}${sessionToken}`]);
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new Error(t('bridge.unreachable')));
      ws.onclose = () => {
        socket = undefined;
        failAll(t('bridge.closed'));
      };
      ws.onmessage = (event) => {
        const reply = JSON.parse(String(event.data)) as WireReply;
        const call = pending.get(reply.id);
        if (!call) return;
        if ('outcome' in reply) {
          pending.delete(reply.id);
          call.resolve(reply.outcome);
        } else call.onProgress?.(reply.progress);
      };
    });

  return {
    async invoke(call, onProgress) {
      socket ??= connect();
      let ws: WebSocket;
      try {
        ws = await socket;
      } catch (error) {
        socket = undefined;
        return { ok: false, error: { code: 'internal', message: (error as Error).message, facts: {} } };
      }
      const id = nextId++;
      const message: WireCall = { id, call };
      return new Promise<BridgeOutcome>((resolve) => {
        pending.set(id, { resolve, onProgress });
        ws.send(JSON.stringify(message));
      });
    },
  };
}
