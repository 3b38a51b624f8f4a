import type { BridgeOutcome } from '../../shared/bridge/bridge-protocol.ts';
import { IPC_PROGRESS, type IpcCall } from '../../shared/bridge/ipc-channels.ts';
import type { KeyportServices } from '../../shared/contract/services.ts';
import { dispatchBridgeCall } from './dispatch-bridge-call.ts';

/** The parts of an Electron `IpcMainInvokeEvent` the bridge uses; kept structural so the core needs no Electron. */
export interface InvokeEvent {
  senderFrame: { url: string } | null;
  sender: { send(channel: string, ...args: unknown[]): void; isDestroyed(): boolean };
}

/**
 * The handler for `ipcMain.handle(IPC_INVOKE, …)`: refuses frames that are not the console's own
 * page (a navigated or embedded frame gets nothing), then runs the call and sends progress back
 * on IPC_PROGRESS with the renderer's call id.
 */
export function ipcBridgeHandler(services: KeyportServices, isConsolePage: (url: string) => boolean) {
  return async (event: InvokeEvent, message: unknown): Promise<BridgeOutcome> => {
    const url = event.senderFrame?.url ?? '';
    if (!isConsolePage(url)) {
      return { ok: false, error: { code: 'bad-input', message: `refused a call from ${url || 'an unknown frame'}: only the console's own page may call it`, facts: {} } };
    }
    const { callId, call } = (typeof message === 'object' && message !== null ? message : {}) as Partial<IpcCall>;
    return dispatchBridgeCall(services, call, (progress) => {
      if (typeof callId === 'number' && !event.sender.isDestroyed()) event.sender.send(IPC_PROGRESS, callId, progress);
    });
  };
}
