import type { PeopleList } from '../../../../shared/contract/people.ts';
import type { ServerInfo, ServerStatus } from '../../../../shared/contract/servers.ts';
import { failureWords } from '../../format/error-message.ts';
import { changeBlockedWhy } from '../../format/server-condition-words.ts';
import { t } from '../../i18n/i18n.ts';
import type { Loadable } from '../../state/loadable.ts';
import { serverCondition, type ServerContact } from '../../state/server-condition.ts';

/** Whether a change can be sent to a server now, and if not, why, in words for the button's title. */
export type ServerReach = { reachable: true } | { reachable: false; why: string };

/**
 * A server can take a change when nothing seen says otherwise: its state as every view shows it
 * (its last status and any call since), and the last people list (keys shown from the cache, or no
 * keys at all, mean it did not answer that read).
 */
export function serverReach(
  server: ServerInfo,
  status: Loadable<ServerStatus> | undefined,
  list: PeopleList | undefined,
  contact?: ServerContact,
): ServerReach {
  if (!server.agent) return { reachable: false, why: t('reach.not-deployed', { server: server.name }) };
  const why = changeBlockedWhy(serverCondition({ status, deployRunning: false, contact }), server.name);
  if (why) return { reachable: false, why };
  const unavailable = list?.unavailable.find((entry) => entry.server === server.name);
  if (unavailable) return { reachable: false, why: failureWords(unavailable.code, { server: unavailable.server }, unavailable.message) };
  const cached = list?.people.some((person) => person.keys.some((entry) => entry.serverId === server.id && entry.source === 'cache'));
  if (cached) return { reachable: false, why: t('reach.cached', { server: server.name }) };
  return { reachable: true };
}

/** Every server's reach, by id. */
export function fleetReach(
  servers: readonly ServerInfo[],
  statuses: Readonly<Record<string, Loadable<ServerStatus>>>,
  list: PeopleList | undefined,
  contacts: Readonly<Record<string, ServerContact>> = {},
): Record<string, ServerReach> {
  return Object.fromEntries(servers.map((server) => [server.id, serverReach(server, statuses[server.id], list, contacts[server.id])]));
}

/** Why a server cannot take a change now; undefined when it can, or nothing is known against it. */
export function unreachableWhy(reach: ServerReach | undefined): string | undefined {
  return reach && !reach.reachable ? reach.why : undefined;
}
