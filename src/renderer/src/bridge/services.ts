import { createBridgeClient } from '../../../shared/bridge/bridge-client.ts';
import type { BridgeTransport } from '../../../shared/bridge/bridge-protocol.ts';
import type { KeyportServices } from '../../../shared/contract/services.ts';
import { webSocketTransport } from './websocket-transport.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in web mode. */
    keyportBridge?: BridgeTransport;
  }
}

/** The contract's services: over the preload's IPC in the desktop app, over a WebSocket in web mode. */
export const services: KeyportServices = createBridgeClient(window.keyportBridge ?? webSocketTransport());
