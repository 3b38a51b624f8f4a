import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServerSettings, ServerSettingsPatch } from '../../../../shared/contract/api-types.ts';
import { CheckMark } from '../../components/check-mark.tsx';
import { InlineError } from '../../components/inline-error.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { useOperation } from '../../state/operations-store.ts';
import { selectLastSettingsUpdate, updateSettingsOperation, useSystemStore } from '../../state/system-store.ts';

const splitNames = (text: string) => text.split(',').map((name) => name.trim()).filter(Boolean);

/** The Reality target and server names, changed in place; the core checks the values and the agent applies them. */
export function RealitySettingsForm({ serverId, settings, offline }: { serverId: string; settings: ServerSettings; offline: boolean }) {
  const { t } = useTranslation();
  const updateSettings = useSystemStore((state) => state.updateSettings);
  const lastUpdate = useSystemStore(selectLastSettingsUpdate(serverId));
  const saving = useOperation(updateSettingsOperation(serverId));
  const [target, setTarget] = useState(settings.reality_target);
  const [names, setNames] = useState(settings.reality_server_names.join(', '));

  const heldNames = settings.reality_server_names.join(', ');
  // What the server holds is shown again whenever it changes (a save, another console).
  useEffect(() => {
    setTarget(settings.reality_target);
    setNames(heldNames);
  }, [settings.reality_target, heldNames]);

  const patch: ServerSettingsPatch = {};
  if (target.trim() !== settings.reality_target) patch.reality_target = target.trim();
  if (splitNames(names).join(',') !== settings.reality_server_names.join(',')) patch.reality_server_names = splitNames(names);
  const changed = Object.keys(patch).length > 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (changed) void updateSettings(serverId, patch);
  };

  return (
    <form className="form reality-settings" onSubmit={submit} data-testid="reality-settings-form">
      <fieldset className="form-grid" disabled={saving.running || offline}>
        <label>
          {t('system.reality.target')}
          <input value={target} onChange={(event) => setTarget(event.target.value)} placeholder="dl.google.com:443" data-testid="reality-target-input" />
        </label>
        <label>
          {t('system.reality.names')}
          <input value={names} onChange={(event) => setNames(event.target.value)} placeholder="dl.google.com" data-testid="reality-server-names-input" />
        </label>
      </fieldset>
      <div className="panel-actions">
        <button type="submit" disabled={!changed || saving.running || offline} data-testid="reality-settings-save">
          {t('system.reality.save')}
        </button>
        {saving.running && <Spinner label={t('system.reality.applying')} />}
        {offline && <span className="muted">{t('system.reality.offline')}</span>}
        {lastUpdate && !saving.running && (
          <span data-testid="reality-settings-applied" data-ok={lastUpdate.applied?.ok ?? true}>
            <CheckMark
              ok={lastUpdate.applied?.ok ?? true}
              yes={t('system.reality.applied')}
              no={t('system.reality.notTaken', { detail: lastUpdate.applied?.detail ?? '' })}
            />
          </span>
        )}
      </div>
      <InlineError message={saving.error} testId="reality-settings-error" />
    </form>
  );
}
