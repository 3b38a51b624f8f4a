import { create } from 'zustand';

/** A server whose SSH password or key passphrase the core asked for (a `secret-required` failure). */
export interface SecretRequest {
  serverId: string;
  prompt: string;
}

interface SecretRequestState {
  request: SecretRequest | null;
  ask(request: SecretRequest): void;
  dismiss(): void;
}

/** At most one question at a time: the first server that needs a secret is asked about. */
export const useSecretRequestStore = create<SecretRequestState>()((set, get) => ({
  request: null,
  ask(request) {
    if (!get().request) set({ request });
  },
  dismiss() {
    set({ request: null });
  },
}));
