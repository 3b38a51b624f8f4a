/**
 * Seals secrets (SSH passwords, key passphrases) with the OS keychain, so the cache never holds
 * them in plain text. The desktop shell provides one over Electron's safeStorage; without a
 * keychain (the CLI) secrets are not stored and are asked for when needed.
 */
export interface SecretVault {
  readonly available: boolean;
  seal(plain: string): string;
  open(sealed: string): string;
}

export const NO_VAULT: SecretVault = {
  available: false,
  seal() {
    throw new Error('no OS keychain: secrets are not stored');
  },
  open() {
    throw new Error('no OS keychain: secrets are not stored');
  },
};
