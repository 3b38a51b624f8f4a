import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { selectCondition, useFleetStore } from '../state/fleet-store.ts';
import { isUnreachableState, type ServerCondition } from '../state/server-condition.ts';

/** The server as every view shows it (server-condition.ts), redrawn only when it changes. */
export function useServerCondition(serverId: string): ServerCondition {
  return useFleetStore(useShallow(selectCondition(serverId)));
}

/**
 * Calls `reload` when the server answers again after it could not be reached, so what a view
 * showed from the cache, or could not show, is read fresh and its old errors go.
 */
export function useWhenServerReturns(serverId: string, reload: () => void): void {
  const { state } = useServerCondition(serverId);
  const latestReload = useRef(reload);
  const wasUnreachable = useRef(isUnreachableState(state));
  useEffect(() => {
    latestReload.current = reload;
  });
  useEffect(() => {
    const unreachable = isUnreachableState(state);
    // "checking" is the status being read again after a call got through: wait for its word.
    if (state === 'checking') return;
    if (wasUnreachable.current && !unreachable) latestReload.current();
    wasUnreachable.current = unreachable;
  }, [state]);
}
