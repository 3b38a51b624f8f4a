import { useState } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { resetLiveOperation, useKeysStore } from '../../state/keys-store.ts';
import { resetHistoryOperation, useTrafficStore } from '../../state/traffic-store.ts';
import { useTranslation } from 'react-i18next';

/** Zero a key's live counters, or delete its history; each asks first. */
export function KeyResets({ serverId, keyId, keyName }: { serverId: string; keyId: string; keyName: string }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState<'live' | 'history' | null>(null);
  const resetLiveTraffic = useKeysStore((state) => state.resetLiveTraffic);
  const resetHistory = useTrafficStore((state) => state.resetHistory);

  return (
    <section className="panel">
      <h2>{t('key.counters')}</h2>
      <div className="panel-actions">
        <button type="button" onClick={() => setAsking('live')} data-testid="key-reset-live">
          {t('key.resetLive')}
        </button>
        <button type="button" className="danger-outline" onClick={() => setAsking('history')} data-testid="key-reset-history">
          {t('key.resetHistory')}
        </button>
      </div>
      {asking === 'live' && (
        <ConfirmDialog
          title={t('key.resetLiveTitle', { name: keyName })}
          confirmLabel={t('key.resetLive')}
          operationId={resetLiveOperation(keyId)}
          onConfirm={() => resetLiveTraffic(serverId, keyId)}
          onClose={() => setAsking(null)}
        >
          <p>{t('key.resetLiveText')}</p>
        </ConfirmDialog>
      )}
      {asking === 'history' && (
        <ConfirmDialog
          title={t('key.resetHistoryTitle', { name: keyName })}
          confirmLabel={t('key.resetHistoryConfirm')}
          operationId={resetHistoryOperation(keyId)}
          onConfirm={() => resetHistory(serverId, keyId)}
          onClose={() => setAsking(null)}
        >
          <p>{t('key.resetHistoryText')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
