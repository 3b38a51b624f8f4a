import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { ApiKey } from '../../../../shared/contract/api-types.ts';
import { InlineError } from '../../components/inline-error.tsx';
import { draftOfKey, isDraftChanged, readKeyLimitsDraft, type KeyLimitsDraftErrors } from '../../components/key-limits-draft.ts';
import { KeyLimitsFields } from '../../components/key-limits-fields.tsx';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../../format/format-bytes.ts';
import { formatUtcTime } from '../../format/format-time.ts';
import { updateKeyOperation, useKeysStore } from '../../state/keys-store.ts';
import { clearOperation, useOperation } from '../../state/operations-store.ts';

/** The key's quota, reset period, expiry and note, edited and saved at once. */
export function KeyLimitsPanel({ serverId, apiKey }: { serverId: string; apiKey: ApiKey }) {
  const { t, i18n } = useTranslation();
  const { data_limit_bytes: limitBytes, data_limit_reset: reset, expires_at: expiresAt, note } = apiKey;
  const initial = useMemo(() => draftOfKey({ data_limit_bytes: limitBytes, data_limit_reset: reset, expires_at: expiresAt, note }), [limitBytes, reset, expiresAt, note, i18n.language]);
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<KeyLimitsDraftErrors>({});
  const [saved, setSaved] = useState(false);
  const updateKey = useKeysStore((state) => state.updateKey);
  const operation = useOperation(updateKeyOperation(apiKey.id));
  // What the server has now is the starting point again after a save or a fresh read.
  useEffect(() => setDraft(initial), [initial]);
  const changed = isDraftChanged(draft, initial);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const read = readKeyLimitsDraft(draft, initial, Date.now());
    setErrors(read.ok ? {} : read.errors);
    setSaved(false);
    if (!read.ok || Object.keys(read.limits).length === 0) return;
    if (await updateKey(serverId, apiKey.id, read.limits)) setSaved(true);
  };
  const undo = () => {
    setDraft(initial);
    setErrors({});
    clearOperation(updateKeyOperation(apiKey.id));
  };

  return (
    <section className="panel key-limits-panel" aria-labelledby="key-limits-title">
      <h2 id="key-limits-title">{t('limits.title')}</h2>
      <p className="muted small" data-testid="key-limits-usage">
        {limitBytes === null
          ? t('limits.noQuotaSet')
          : apiKey.period_started_at
            ? t('limits.usedSince', { used: formatBytes(apiKey.used_bytes), limit: formatBytes(limitBytes), time: formatUtcTime(apiKey.period_started_at) })
            : t('limits.used', { used: formatBytes(apiKey.used_bytes), limit: formatBytes(limitBytes) })}
      </p>
      <form onSubmit={(event) => void submit(event)} aria-label={t('limits.formLabel')}>
        <KeyLimitsFields
          draft={draft}
          onChange={(next) => {
            setDraft(next);
            setSaved(false);
          }}
          errors={errors}
          disabled={operation.running}
          testIdPrefix="key-limit"
          currentExpiresAt={expiresAt}
        />
        <div className="panel-actions">
          <button type="submit" className="primary" disabled={!changed || operation.running} data-testid="key-limits-save">
            {operation.running ? t('limits.saving') : t('limits.save')}
          </button>
          <button type="button" onClick={undo} disabled={!changed || operation.running} data-testid="key-limits-undo">
            {t('limits.undo')}
          </button>
          {saved && !changed && (
            <span className="muted" role="status" data-testid="key-limits-saved">
              {t('common.saved')}
            </span>
          )}
        </div>
        <InlineError message={operation.error} testId="key-limits-error" />
      </form>
    </section>
  );
}
