import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import { KeyportError, type SshKeyProblem } from '../../../shared/contract/errors.ts';

const PROBLEM_WORDS: Record<SshKeyProblem, string> = {
  missing: 'there is no such file',
  unreadable: 'it cannot be read',
  'not-a-private-key': 'it is not an SSH private key',
  'passphrase-needed': 'it is protected by a passphrase, and none was given',
  'passphrase-wrong': 'the passphrase given does not open it',
};

/** The key file cannot be used: found here, so retrying the connection would not help. */
export function keyUnusable(problem: SshKeyProblem, file: string | undefined, facts: Record<string, string> = {}): KeyportError {
  const which = file === undefined ? 'The SSH private key' : `The SSH private key ${file}`;
  return new KeyportError('ssh-key-unusable', `${which} cannot be used: ${PROBLEM_WORDS[problem]}`, { ...(file === undefined ? {} : { file }), problem, ...facts });
}

/** A private key file's contents; a file that is missing, unreadable or no private key at all is `ssh-key-unusable`. */
export function readPrivateKeyFile(file: string, facts: Record<string, string> = {}): Buffer {
  let contents: Buffer;
  try {
    contents = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw keyUnusable(code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable', file, facts);
  }
  if (!keyNeedsPassphrase(contents) && !isPrivateKey(contents)) throw keyUnusable('not-a-private-key', file, facts);
  return contents;
}

/** Whether a private key file's contents are encrypted, so logging in with it needs its passphrase. */
export function keyNeedsPassphrase(privateKey: Buffer | string): boolean {
  const parsed = ssh2.utils.parseKey(privateKey);
  // ssh2 says so only in its error's words; it has no code for it.
  return parsed instanceof Error && /passphrase/i.test(parsed.message);
}

/** Refuses a passphrase that does not open the key (or its absence where one is needed), before any connection. */
export function checkPassphrase(privateKey: Buffer | string, passphrase: string | undefined, file?: string, facts: Record<string, string> = {}): void {
  const problem = keyProblem(privateKey, passphrase);
  if (problem) throw keyUnusable(problem, file, facts);
}

/** What keeps a key (a file's contents) from logging in with this passphrase, or null when nothing does. */
export function keyProblem(privateKey: Buffer | string, passphrase: string | undefined): SshKeyProblem | null {
  if (keyNeedsPassphrase(privateKey)) {
    if (passphrase === undefined) return 'passphrase-needed';
    return ssh2.utils.parseKey(privateKey, passphrase) instanceof Error ? 'passphrase-wrong' : null;
  }
  return isPrivateKey(privateKey) ? null : 'not-a-private-key';
}

/** A public key parses too: only a key with its private half logs in. */
function isPrivateKey(contents: Buffer | string): boolean {
  const parsed = ssh2.utils.parseKey(contents);
  if (parsed instanceof Error) return false;
  return (Array.isArray(parsed) ? parsed : [parsed]).every((key) => key.isPrivateKey());
}
