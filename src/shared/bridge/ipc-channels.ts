/** The desktop app's IPC channels between the preload and the shell (src/main/shell). */
export const IPC_INVOKE = 'keyport:invoke';
export const IPC_PROGRESS = 'keyport:progress';

/** An IPC call carries the renderer's id for it, so progress reports find their way back. */
export interface IpcCall {
  callId: number;
  call: unknown;
}
