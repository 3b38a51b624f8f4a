import { KeyportError } from '../../shared/contract/errors.ts';
import type { KeyportCore } from '../core/keyport-core.ts';

const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The id of the key a command line names: a key id as it is (no list fetched, which matters with
 * thousands of keys), or the one key with exactly that name.
 */
export async function resolveKey(core: KeyportCore, server: string, key: string): Promise<string> {
  if (KEY_ID.test(key)) return key;
  // The agent stores names in NFC; a terminal may hand over another form of the same text.
  const name = key.normalize('NFC');
  const named = (await core.keys.list(server)).data.filter((candidate) => candidate.name === key || candidate.name === name);
  if (named.length === 1) return named[0]!.id;
  if (named.length === 0) throw new KeyportError('not-found', `${server} has no key named "${key}" (a KEY is a key id or an exact key name)`, { server, key });
  throw new KeyportError('bad-input', `${named.length} keys on ${server} are named "${key}": give one of their ids: ${named.map((candidate) => candidate.id).join(', ')}`, {
    server,
    key,
  });
}
