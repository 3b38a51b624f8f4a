import { keyNameFold } from '../../../shared/agent-api.ts';
import type { ApiKey } from '../../../shared/contract/api-types.ts';
import type { MovePlanEntry, Person, PersonLimits } from '../../../shared/contract/people.ts';

/** The limits a key was given, to give another key of the same person; used_bytes starts anew there. */
export function limitsOf(key: ApiKey): PersonLimits {
  return { data_limit_bytes: key.data_limit_bytes, data_limit_reset: key.data_limit_reset, expires_at: key.expires_at, note: key.note };
}

/**
 * Who of `people` gets a key on the server `toId`: each of them with a key on `fromId` gets one
 * with the same uuid, that key's name and limits, unless they have one there already or another
 * key there has that name. People without a key on `fromId` are not part of the move.
 */
export function planMove(people: readonly Person[], fromId: string, toId: string, toKeys: readonly ApiKey[]): MovePlanEntry[] {
  const takenNames = new Set(toKeys.map((key) => keyNameFold(key.name)));
  const toUuids = new Set(toKeys.map((key) => key.uuid.toLowerCase()));
  return people.flatMap((person): MovePlanEntry[] => {
    const fromKey = person.keys.find((entry) => entry.serverId === fromId)?.key;
    if (!fromKey) return [];
    const action = toUuids.has(person.uuid) || person.keys.some((entry) => entry.serverId === toId)
      ? 'present'
      : takenNames.has(keyNameFold(fromKey.name)) ? 'name-taken' : 'create';
    if (action === 'create') takenNames.add(keyNameFold(fromKey.name));
    return [{ uuid: person.uuid, name: fromKey.name, fromKeyId: fromKey.id, action, limits: limitsOf(fromKey) }];
  });
}
