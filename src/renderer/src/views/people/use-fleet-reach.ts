import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useFleetStore } from '../../state/fleet-store.ts';
import { usePeopleStore } from '../../state/people-store.ts';
import { fleetReach, type ServerReach } from './server-reach.ts';

/** Which servers can take a change now, by id, from their statuses and the last people list. */
export function useFleetReach(): Record<string, ServerReach> {
  const { i18n } = useTranslation();
  const servers = useFleetStore((state) => state.servers);
  const statuses = useFleetStore((state) => state.statuses);
  const contacts = useFleetStore((state) => state.contacts);
  const list = usePeopleStore((state) => state.list.value);
  // Reach is told in words: told again in another language.
  return useMemo(() => fleetReach(servers, statuses, list, contacts), [servers, statuses, list, contacts, i18n.language]);
}
