import type { Person } from '../../../../shared/contract/people.ts';
import type { ServerReach } from './server-reach.ts';

export interface PersonRemoval {
  /** The keys a removal deletes now, with their history: one per server that can be reached. */
  deleted: { server: string; keyName: string }[];
  /** The keys on servers that cannot be reached now: they stay, and still connect, until removed again. */
  kept: { server: string; why: string }[];
}

/** What removing a person deletes, said before it is done. */
export function personRemoval(person: Person, reach: Readonly<Record<string, ServerReach>>): PersonRemoval {
  const removal: PersonRemoval = { deleted: [], kept: [] };
  for (const { serverId, server, key } of person.keys) {
    const serverReach = reach[serverId] ?? { reachable: true };
    if (serverReach.reachable) removal.deleted.push({ server, keyName: key.name });
    else removal.kept.push({ server, why: serverReach.why });
  }
  return removal;
}
