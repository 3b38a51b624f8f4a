import { createBridgeClient } from '../../../shared/bridge/bridge-client.ts';
import type { BridgeTransport } from '../../../shared/bridge/bridge-protocol.ts';
import type { KeyportServices } from '../../../shared/contract/services.ts';
import { t } from '../i18n/i18n.ts';
import { useSecretRequestStore } from '../state/secret-request-store.ts';
import { webSessionToken } from './web-session-token.ts';
import { webSocketTransport } from './websocket-transport.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in web mode. */
    keyportBridge?: BridgeTransport;
  }
}

/** Any call that fails for want of an SSH secret opens the dialog that asks for it (SecretDialog). */
function askingForSecrets(transport: BridgeTransport): BridgeTransport {
  return {
    async invoke(call, onProgress) {
      const outcome = await transport.invoke(call, onProgress);
      if (!outcome.ok && outcome.error.code === 'secret-required') {
        const { server, prompt } = outcome.error.facts;
        if (typeof server === 'string') useSecretRequestStore.getState().ask({ serverId: server, prompt: String(prompt ?? t('secret.defaultPrompt')) });
      }
      return outcome;
    },
  };
}

/** The contract's services: over the preload's IPC in the desktop app, over a WebSocket in web mode. */
export const services: KeyportServices = createBridgeClient(askingForSecrets(window.keyportBridge ?? webSocketTransport(webSessionToken())));
