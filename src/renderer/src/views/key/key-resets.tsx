import { useState } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { resetLiveOperation, useKeysStore } from '../../state/keys-store.ts';
import { resetHistoryOperation, useTrafficStore } from '../../state/traffic-store.ts';

/** Zero a key's live counters, or delete its history; each asks first. */
export function KeyResets({ serverId, keyId, keyName }: { serverId: string; keyId: string; keyName: string }) {
  const [asking, setAsking] = useState<'live' | 'history' | null>(null);
  const resetLiveTraffic = useKeysStore((state) => state.resetLiveTraffic);
  const resetHistory = useTrafficStore((state) => state.resetHistory);

  return (
    <section className="panel">
      <h2>Counters</h2>
      <div className="panel-actions">
        <button type="button" onClick={() => setAsking('live')} data-testid="key-reset-live">
          Reset live counters
        </button>
        <button type="button" className="danger-outline" onClick={() => setAsking('history')} data-testid="key-reset-history">
          Reset history
        </button>
      </div>
      {asking === 'live' && (
        <ConfirmDialog
          title={`Reset the live counters of ${keyName}?`}
          confirmLabel="Reset live counters"
          operationId={resetLiveOperation(keyId)}
          onConfirm={() => resetLiveTraffic(serverId, keyId)}
          onClose={() => setAsking(null)}
        >
          <p>The live byte counters start again from zero. The daily and monthly history keeps what was counted.</p>
        </ConfirmDialog>
      )}
      {asking === 'history' && (
        <ConfirmDialog
          title={`Delete the history of ${keyName}?`}
          confirmLabel="Delete history"
          operationId={resetHistoryOperation(keyId)}
          onConfirm={() => resetHistory(serverId, keyId)}
          onClose={() => setAsking(null)}
        >
          <p>Every daily and monthly figure of this key is deleted, on the server and in this console’s cache. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
