import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import {
  removeKeyOperation,
  renameKeyOperation,
  resetLiveOperation,
  selectConfig,
  toggleKeyOperation,
  updateKeyOperation,
  useKeysStore,
} from '../../state/keys-store.ts';
import { useOperationsStore } from '../../state/operations-store.ts';
import { resetHistoryOperation, selectKeyHistory, useTrafficStore } from '../../state/traffic-store.ts';
import { keyPageGone, type KeyPageGone } from './key-page-gone.ts';

/**
 * Whether the server or the console said the key's page is of nothing, by any read or change of
 * the key from here; a gone key leaves the server's key list too, so the keys tab does not offer it.
 */
export function useKeyPageGone(serverId: string, keyId: string): KeyPageGone | null {
  const config = useKeysStore(selectConfig(serverId, keyId));
  const history = useTrafficStore(selectKeyHistory(serverId, keyId));
  const changes = useOperationsStore(
    useShallow((state) =>
      [toggleKeyOperation, renameKeyOperation, updateKeyOperation, removeKeyOperation, resetLiveOperation, resetHistoryOperation].map(
        (operation) => state.operations[operation(keyId)],
      ),
    ),
  );
  const forgetKey = useKeysStore((state) => state.forgetKey);
  const gone = keyPageGone([config, history, ...changes]);
  useEffect(() => {
    if (gone === 'key') forgetKey(serverId, keyId);
  }, [gone, forgetKey, serverId, keyId]);
  return gone;
}
