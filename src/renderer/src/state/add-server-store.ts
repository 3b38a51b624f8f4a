import { create } from 'zustand';
import type { AddServerRequest, HostKeyProbe, ServerInfo, SshTarget } from '../../../shared/contract/servers.ts';
import { services } from '../bridge/services.ts';
import { errorMessage } from '../format/error-message.ts';
import { useFleetStore } from './fleet-store.ts';

/**
 * Adding a server is two steps: read the host key and let the admin compare its fingerprint, then
 * add the server pinned to exactly the key that was accepted.
 */
export type AddServerPhase = 'form' | 'probing' | 'confirm' | 'adding' | 'added';

interface AddServerState {
  open: boolean;
  phase: AddServerPhase;
  /** Kept between the two steps only, in memory; a password in it is dropped on close. */
  request: AddServerRequest | null;
  probe: HostKeyProbe | null;
  added: ServerInfo | null;
  error: string | null;
  /** The Host names of ~/.ssh/config on the console's machine, offered in the alias field; none when it cannot be read. */
  sshHosts: readonly string[];
  openDialog(): void;
  close(): void;
  backToForm(): void;
  probeHostKey(request: AddServerRequest): Promise<void>;
  accept(): Promise<void>;
}

const CLOSED = { open: false, phase: 'form', request: null, probe: null, added: null, error: null, sshHosts: [] } as const;

export const useAddServerStore = create<AddServerState>()((set, get) => ({
  ...CLOSED,
  openDialog: () => {
    set({ ...CLOSED, open: true });
    // Read anew each time: the admin may have just added a Host to the config. A config that cannot
    // be read only leaves the field without suggestions; adding by alias then says what is wrong.
    services.fleet.sshConfigHosts().then(
      (sshHosts) => {
        if (get().open) set({ sshHosts });
      },
      () => undefined,
    );
  },
  close: () => set(CLOSED),
  backToForm: () => set({ phase: 'form', probe: null, error: null }),

  async probeHostKey(request) {
    set({ phase: 'probing', request, probe: null, error: null });
    try {
      const probe = await services.fleet.probeHostKey(probeTarget(request));
      if (get().request === request) set({ phase: 'confirm', probe });
    } catch (error) {
      if (get().request === request) set({ phase: 'form', error: errorMessage(error) });
    }
  },

  async accept() {
    const { request, probe } = get();
    if (!request || !probe) return;
    set({ phase: 'adding', error: null });
    try {
      const added = await services.fleet.add({
        ...request,
        acceptedFingerprint: probe.fingerprint,
        acceptedJumpFingerprints: Object.fromEntries((probe.jumps ?? []).map((jump) => [jump.endpoint, jump.fingerprint])),
      });
      set({ phase: 'added', added, request: null });
      void useFleetStore.getState().loadFleet();
    } catch (error) {
      set({ phase: 'confirm', error: errorMessage(error) });
    }
  },
}));

function probeTarget(request: AddServerRequest): SshTarget | { sshAlias: string } {
  if (request.sshAlias) return { sshAlias: request.sshAlias };
  return {
    host: request.host ?? '',
    port: request.port ?? 22,
    user: request.user ?? 'root',
    auth: request.auth ?? { method: 'agent' },
    proxyJump: [],
  };
}
