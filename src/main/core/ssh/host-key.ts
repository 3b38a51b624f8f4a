import { createHash } from 'node:crypto';
import type { HostKeyProbe } from '../../../shared/contract/servers.ts';

/**
 * The fingerprint of a host key as OpenSSH prints it (`SHA256:` + unpadded base64), from the key's
 * wire-format blob (what ssh2 hands `hostVerifier`, or the base64 field of a `.pub` file).
 */
export function fingerprintOf(rawPublicKey: Buffer): HostKeyProbe {
  const typeLength = rawPublicKey.length >= 4 ? rawPublicKey.readUInt32BE(0) : 0;
  if (typeLength === 0 || 4 + typeLength > rawPublicKey.length) {
    throw new Error('not an SSH public key blob: it must start with the length-prefixed key type');
  }
  const keyType = rawPublicKey.subarray(4, 4 + typeLength).toString('latin1');
  const fingerprint = `SHA256:${createHash('sha256').update(rawPublicKey).digest('base64').replace(/=+$/, '')}`;
  return { fingerprint, keyType };
}
