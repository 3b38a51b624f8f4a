import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServerSettings, ServerSettingsPatch } from '../../../../shared/contract/api-types.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { selectSettings, updateSettingsOperation, useSystemStore } from '../../state/system-store.ts';

interface Switch {
  field: 'allow_private_destinations' | 'access_log';
  /** Its words: `system.reach.<words>Label`, `…On`, `…Off`. */
  words: 'private' | 'log';
}

const SWITCHES: Switch[] = [
  { field: 'allow_private_destinations', words: 'private' },
  { field: 'access_log', words: 'log' },
];

/** What VPN users can reach through the server, and whether Xray logs them; each change restarts Xray once. */
export function ReachPanel({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const settings = useSystemStore(selectSettings(serverId))?.value;
  const [pending, setPending] = useState<ServerSettingsPatch | null>(null);
  if (!settings) return null;
  const offline = settings.source === 'cache';
  return (
    <section className="panel" data-testid="reach-panel">
      <h2>{t('system.reach.title')}</h2>
      {SWITCHES.map((entry) => (
        <SwitchRow key={entry.field} entry={entry} settings={settings.data} disabled={offline} onChange={(value) => setPending({ [entry.field]: value })} />
      ))}
      {pending && (
        <ConfirmDialog
          title={t('system.reach.confirmTitle')}
          confirmLabel={t('system.reach.confirm')}
          operationId={updateSettingsOperation(serverId)}
          onConfirm={() => useSystemStore.getState().updateSettings(serverId, pending)}
          onClose={() => setPending(null)}
        >
          {t('system.reach.confirmText')}
        </ConfirmDialog>
      )}
    </section>
  );
}

function SwitchRow({ entry, settings, disabled, onChange }: { entry: Switch; settings: ServerSettings; disabled: boolean; onChange: (value: boolean) => void }) {
  const { t } = useTranslation();
  const value = settings[entry.field];
  return (
    <div className="reach-switch" data-testid={`reach-${entry.field}`} data-on={value}>
      <label>
        <input type="checkbox" checked={value} disabled={disabled} onChange={(event) => onChange(event.target.checked)} /> {t(`system.reach.${entry.words}Label`)}
      </label>
      <p className={`small${entry.field === 'allow_private_destinations' && value ? ' link-warning' : ''}`}>{value ? t(`system.reach.${entry.words}On`) : t(`system.reach.${entry.words}Off`)}</p>
    </div>
  );
}
