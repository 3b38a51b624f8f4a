import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { BridgeOutcome, BridgeTransport } from '../shared/bridge/bridge-protocol.ts';
import { IPC_INVOKE, IPC_PROGRESS, type IpcCall } from '../shared/bridge/ipc-channels.ts';

// The preload stays narrow: one `invoke` carrying the src/shared contract's calls, nothing else of Electron.
const progressListeners = new Map<number, (progress: unknown) => void>();
let nextCallId = 1;

ipcRenderer.on(IPC_PROGRESS, (_event: IpcRendererEvent, callId: number, progress: unknown) => progressListeners.get(callId)?.(progress));

const keyportBridge: BridgeTransport = {
  async invoke(call, onProgress) {
    const callId = nextCallId++;
    if (onProgress) progressListeners.set(callId, onProgress);
    try {
      const message: IpcCall = { callId, call };
      return (await ipcRenderer.invoke(IPC_INVOKE, message)) as BridgeOutcome;
    } finally {
      progressListeners.delete(callId);
    }
  },
};

contextBridge.exposeInMainWorld('keyportBridge', keyportBridge);
