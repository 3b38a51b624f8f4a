import { randomBytes } from 'node:crypto';
import { shellQuote, type RemoteHost } from '../ssh/remote-host.ts';
import { API_KEY_FILE, DATA_DIR } from './remote-layout.ts';

/**
 * Makes the data dir (0700) and the API key file (0600), with a new random key only when there is
 * none: a re-deploy keeps the key every script already uses. True when a key was made. The key
 * reaches the server over stdin (writeFile), never on a command line.
 */
export async function ensureApiKey(host: RemoteHost): Promise<boolean> {
  const dir = shellQuote(DATA_DIR);
  const file = shellQuote(API_KEY_FILE);
  const found = await host.check(
    [
      `mkdir -p ${dir} && chmod 0700 ${dir}`,
      `if [ -s ${file} ]; then chmod 0600 ${file} && echo present; else echo missing; fi`,
    ].join('\n'),
  );
  if (found.trim() === 'present') return false;
  // As the agent makes its own: 32 random bytes, base64url.
  await host.writeFile(API_KEY_FILE, `${randomBytes(32).toString('base64url')}\n`, 0o600);
  return true;
}

/** The agent's API key as the server holds it. */
export async function readApiKey(host: RemoteHost): Promise<string> {
  return (await host.check(`cat ${shellQuote(API_KEY_FILE)}`)).trim();
}
