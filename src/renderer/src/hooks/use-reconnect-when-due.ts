import { useEffect } from 'react';
import { useFleetStore } from '../state/fleet-store.ts';
import type { ServerContact } from '../state/server-condition.ts';

/** A little after the link's wait is over, so the check is the one that connects, not one more refused at once. */
const AFTER_RETRY_MS = 250;
/** How soon a server out of reach with no wait given (its agent not answering, say) is checked again. */
const UNTIMED_RETRY_MS = 15_000;

/**
 * Checks each server that could not be reached again when the console's SSH link is ready to try
 * (the time its failure gave), so a server that is back turns online without a click, and one still
 * down gets its next wait to count down. A changed or unknown host key waits for the admin instead.
 */
export function useReconnectWhenDue(): void {
  const contacts = useFleetStore((state) => state.contacts);
  useEffect(() => {
    const timers = Object.entries(contacts).flatMap(([serverId, contact]) => {
      const waitMs = recheckInMs(contact);
      return waitMs === null ? [] : [window.setTimeout(() => void useFleetStore.getState().refreshServer(serverId), waitMs)];
    });
    return () => timers.forEach((timer) => window.clearTimeout(timer));
  }, [contacts]);
}

function recheckInMs(contact: ServerContact): number | null {
  if (contact.reached || contact.cause === 'host-key-changed' || contact.cause === 'host-key-unknown') return null;
  if (contact.retryAt === null) return UNTIMED_RETRY_MS;
  return Math.max(0, contact.retryAt - Date.now()) + AFTER_RETRY_MS;
}
