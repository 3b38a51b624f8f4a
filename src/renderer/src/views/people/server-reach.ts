import type { PeopleList } from '../../../../shared/contract/people.ts';
import type { ServerInfo, ServerStatus } from '../../../../shared/contract/servers.ts';
import type { Loadable } from '../../state/loadable.ts';

/** Whether a change can be sent to a server now, and if not, why, in words for the button's title. */
export type ServerReach = { reachable: true } | { reachable: false; why: string };

const STATE_WORDS: Record<Exclude<ServerStatus['state'], 'online'>, string> = {
  offline: 'is offline',
  'not-deployed': 'has no agent yet: deploy it first',
  'agent-down': 'answers SSH but its agent does not',
  'host-key-unknown': 'has a host key not accepted yet',
  'host-key-changed': 'presents a changed host key',
};

/**
 * A server can take a change when nothing seen says otherwise: its last status, and the last people
 * list (keys shown from the cache, or no keys at all, mean it did not answer that read).
 */
export function serverReach(server: ServerInfo, status: Loadable<ServerStatus> | undefined, list: PeopleList | undefined): ServerReach {
  if (!server.agent) return { reachable: false, why: `${server.name} ${STATE_WORDS['not-deployed']}` };
  const state = status?.value?.state;
  if (state && state !== 'online') return { reachable: false, why: `${server.name} ${STATE_WORDS[state]}${status.value?.reason ? `: ${status.value.reason}` : ''}` };
  const unavailable = list?.unavailable.find((entry) => entry.server === server.name);
  if (unavailable) return { reachable: false, why: unavailable.message };
  const cached = list?.people.some((person) => person.keys.some((entry) => entry.serverId === server.id && entry.source === 'cache'));
  if (cached) return { reachable: false, why: `${server.name} did not answer: its keys are shown as last synced` };
  return { reachable: true };
}

/** Every server's reach, by id. */
export function fleetReach(
  servers: readonly ServerInfo[],
  statuses: Readonly<Record<string, Loadable<ServerStatus>>>,
  list: PeopleList | undefined,
): Record<string, ServerReach> {
  return Object.fromEntries(servers.map((server) => [server.id, serverReach(server, statuses[server.id], list)]));
}

/** Why a server cannot take a change now; undefined when it can, or nothing is known against it. */
export function unreachableWhy(reach: ServerReach | undefined): string | undefined {
  return reach && !reach.reachable ? reach.why : undefined;
}
