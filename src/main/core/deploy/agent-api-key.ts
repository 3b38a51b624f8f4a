import { randomBytes } from 'node:crypto';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { unexpectedAnswer } from '../ssh/remote-answer.ts';
import { shellQuote, type RemoteHost } from '../ssh/remote-host.ts';
import { API_KEY_FILE, DATA_DIR } from './remote-layout.ts';

/** What the agent and Keyport make: 32 random bytes, base64url without padding. */
const API_KEY = /^[A-Za-z0-9_-]{43}$/;

/**
 * Makes the data dir (0700) and the API key file (0600), with a new random key only when there is
 * none: a re-deploy keeps the key every script already uses, once it has checked that key is one
 * (apiKeyFrom). True when a key was made. The key reaches the server over stdin (writeFile), never
 * on a command line.
 */
export async function ensureApiKey(host: RemoteHost): Promise<boolean> {
  const dir = shellQuote(DATA_DIR);
  const file = shellQuote(API_KEY_FILE);
  const found = (await host.check(
    [
      `mkdir -p ${dir} && chmod 0700 ${dir}`,
      `if [ -s ${file} ]; then chmod 0600 ${file} && echo present; else echo missing; fi`,
    ].join('\n'),
  )).trim();
  if (found === 'present') {
    await readApiKey(host);
    return false;
  }
  if (found !== 'missing') throw unexpectedAnswer(`Looking for ${API_KEY_FILE}`, '"present" or "missing"', found);
  // As the agent makes its own: 32 random bytes, base64url.
  await host.writeFile(API_KEY_FILE, `${randomBytes(32).toString('base64url')}\n`, 0o600);
  return true;
}

/** The agent's API key as the server holds it, checked to be one (apiKeyFrom). */
export async function readApiKey(host: RemoteHost, server?: string): Promise<string> {
  return apiKeyFrom(await host.check(`cat ${shellQuote(API_KEY_FILE)}`), server);
}

/**
 * The key in the key file's text (one line). Anything else is refused with `agent-error` before it
 * reaches a request header; the message says how long it was, never what it holds.
 */
export function apiKeyFrom(fileText: string, server?: string): string {
  const key = fileText.trim();
  if (API_KEY.test(key)) return key;
  const lines = key === '' ? 0 : key.split('\n').length;
  const where = server ? `${API_KEY_FILE} on ${server}` : API_KEY_FILE;
  throw new KeyportError(
    'agent-error',
    `the agent's API key in ${where} is not one Keyport can use: it holds ${key.length} characters on ${lines} line(s), ` +
      `where a key is 43 base64url characters on one line. Put such a key there (it replaces the old one for every script), ` +
      `or remove the file and deploy again for a new one`,
    { ...(server ? { server } : {}), file: API_KEY_FILE, length: key.length, lines, reason: 'api-key-malformed' },
  );
}
