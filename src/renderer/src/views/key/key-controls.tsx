import { useState } from 'react';
import type { ApiKey } from '../../../../shared/contract/api-types.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { InlineError } from '../../components/inline-error.tsx';
import { removeKeyOperation, toggleKeyOperation, useKeysStore } from '../../state/keys-store.ts';
import { useNavigationStore } from '../../state/navigation-store.ts';
import { useOperation } from '../../state/operations-store.ts';
import { useTranslation } from 'react-i18next';

/** Enable or disable the key, or delete it (asking first), from its own page. */
export function KeyControls({ serverId, apiKey }: { serverId: string; apiKey: ApiKey }) {
  const { t } = useTranslation();
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const setActive = useKeysStore((state) => state.setActive);
  const removeKey = useKeysStore((state) => state.removeKey);
  const openServer = useNavigationStore((state) => state.openServer);
  const toggle = useOperation(toggleKeyOperation(apiKey.id));

  return (
    <div className="key-controls">
      <div className="view-actions">
        <button type="button" onClick={() => void setActive(serverId, apiKey.id, !apiKey.is_active)} disabled={toggle.running} data-testid="key-view-toggle">
          {toggle.running ? t('common.working') : apiKey.is_active ? t('key.disable') : t('key.enable')}
        </button>
        <button type="button" className="danger-outline" onClick={() => setConfirmingDelete(true)} data-testid="key-view-delete">
          {t('key.delete')}
        </button>
      </div>
      <InlineError message={toggle.error} testId="key-view-toggle-error" />
      {confirmingDelete && (
        <ConfirmDialog
          title={t('key.deleteTitle', { name: apiKey.name })}
          confirmLabel={t('key.delete')}
          operationId={removeKeyOperation(apiKey.id)}
          onConfirm={async () => {
            const removed = await removeKey(serverId, apiKey.id);
            if (removed) openServer(serverId, 'keys');
            return removed;
          }}
          onClose={() => setConfirmingDelete(false)}
        >
          <p>{t('key.deleteText', { port: apiKey.port })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
