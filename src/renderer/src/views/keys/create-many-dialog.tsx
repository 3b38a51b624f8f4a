import { useMemo, useState } from 'react';
import { parseKeyList, type KeyList } from '../../../../shared/key-limits/key-list.ts';
import { InlineError } from '../../components/inline-error.tsx';
import { NO_LIMITS_DRAFT, readKeyLimitsDraft, type KeyLimitsDraftErrors } from '../../components/key-limits-draft.ts';
import { KeyLimitsFields } from '../../components/key-limits-fields.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../format/error-message.ts';
import { formatNumber } from '../../format/format-number.ts';
import { selectCreateManyRun, useKeysStore } from '../../state/keys-store.ts';

const EMPTY: KeyList = { keys: [], lines: [] };

/** The pasted list as keys (a CSV's limit, reset, expires and note columns too), or why it cannot be read. */
function readList(text: string): { list: KeyList; error: string | null } {
  try {
    return { list: parseKeyList(text, Date.now()), error: null };
  } catch (error) {
    return { list: EMPTY, error: errorMessage(error) };
  }
}

/**
 * Many keys from a pasted list: one name per line, or a spreadsheet's rows with a "name" column.
 * Every name is checked before any is created; progress shows batch by batch.
 */
export function CreateManyDialog({ serverId, serverName, onClose }: { serverId: string; serverName: string; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const [skipExisting, setSkipExisting] = useState(false);
  const [limits, setLimits] = useState(NO_LIMITS_DRAFT);
  const [limitErrors, setLimitErrors] = useState<KeyLimitsDraftErrors>({});
  const run = useKeysStore(selectCreateManyRun(serverId));
  const createMany = useKeysStore((state) => state.createMany);
  const dismiss = useKeysStore((state) => state.dismissCreateMany);
  const { list, error: listError } = useMemo(() => readList(text), [text, i18n.language]);
  const close = () => {
    dismiss(serverId);
    onClose();
  };
  const failedLine = typeof run?.errorFacts?.index === 'number' ? list.lines[run.errorFacts.index] : undefined;
  const progress = run?.progress;
  const create = () => {
    const read = readKeyLimitsDraft(limits, NO_LIMITS_DRAFT, Date.now());
    setLimitErrors(read.ok ? {} : read.errors);
    if (!read.ok) return;
    void createMany(serverId, list.keys, { skipExisting, ...(Object.keys(read.limits).length > 0 ? { limits: read.limits } : {}) });
  };

  return (
    <ModalDialog title={t('keys.many.title', { server: serverName })} onClose={close} testId="create-many-dialog" wide>
      <div className="create-many">
        <label className="stacked">
          {t('keys.many.names')}
          <textarea
            value={text}
            onChange={(event) => setText(event.target.value)}
            rows={10}
            disabled={run?.running}
            placeholder={t('keys.many.placeholder')}
            data-testid="create-many-names"
          />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={skipExisting} onChange={(event) => setSkipExisting(event.target.checked)} disabled={run?.running} data-testid="create-many-skip" />{' '}
          {t('keys.many.skip', { server: serverName })}
        </label>
        <fieldset className="create-many-limits">
          <legend>{t('keys.many.limits')}</legend>
          <KeyLimitsFields draft={limits} onChange={setLimits} errors={limitErrors} disabled={run?.running} testIdPrefix="create-many" />
        </fieldset>
        <p className="muted small" data-testid="create-many-count">
          {listError ?? (list.keys.length === 0 ? t('keys.many.noNames') : t('keys.many.nameCount', { names: t('counts.names', { count: list.keys.length }) }))}
        </p>
        {progress && (
          <div className="create-many-progress" data-testid="create-many-progress">
            <progress value={progress.created} max={Math.max(progress.total, 1)} /> {formatNumber(progress.created)} / {formatNumber(progress.total)}
          </div>
        )}
        {run?.result && !run.running && (
          <p className="created-note" role="status" data-testid="create-many-result" data-created={run.result.created.length}>
            {run.result.skipped.length > 0
              ? t('keys.many.createdSkipped', {
                  keys: t('counts.keys', { count: run.result.created.length }),
                  names: t('counts.names', { count: run.result.skipped.length }),
                  server: serverName,
                })
              : t('keys.many.created', { keys: t('counts.keys', { count: run.result.created.length }) })}
          </p>
        )}
        <InlineError message={run?.error ? (failedLine !== undefined ? t('keys.many.line', { line: failedLine, error: run.error }) : run.error) : null} testId="create-many-error" />
        <div className="dialog-actions">
          <button type="button" onClick={close} disabled={run?.running} data-testid="create-many-close">
            {run?.result ? t('common.close') : t('common.cancel')}
          </button>
          <button
            type="button"
            className="primary"
            disabled={run?.running || list.keys.length === 0}
            onClick={create}
            data-testid="create-many-create"
          >
            {run?.running ? t('common.creating') : t('keys.many.create', { keys: t('counts.keys', { count: list.keys.length }) })}
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}
