import { safeStorage } from 'electron';
import type { SecretVault } from '../core/services/secret-vault.ts';

/** SSH passwords and passphrases sealed by the OS keychain (Keychain, DPAPI, libsecret/kwallet). */
export function safeStorageVault(): SecretVault {
  return {
    // Linux without a keyring gives 'basic_text', a fixed key: that is not sealing, so it counts as no vault.
    get available() {
      return safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');
    },
    seal: (plain) => safeStorage.encryptString(plain).toString('base64'),
    open: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  };
}
