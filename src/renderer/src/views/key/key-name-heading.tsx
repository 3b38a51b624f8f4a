import { useState, type FormEvent } from 'react';
import { InlineError } from '../../components/inline-error.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { keyWriteError } from '../../format/key-write-error.ts';
import { renameKeyOperation, useKeysStore } from '../../state/keys-store.ts';
import { clearOperation, useOperation } from '../../state/operations-store.ts';
import { useTranslation } from 'react-i18next';

interface KeyNameHeadingProps {
  serverId: string;
  keyId: string;
  keyName: string;
  /** False while the key itself is not known yet (nothing to rename). */
  canRename: boolean;
}

/** The key's name as the view's title, renamed in place. */
export function KeyNameHeading({ serverId, keyId, keyName, canRename }: KeyNameHeadingProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<string | null>(null);
  const renameKey = useKeysStore((state) => state.renameKey);
  const operation = useOperation(renameKeyOperation(keyId));
  const typed = draft?.trim() ?? '';

  const close = () => {
    setDraft(null);
    clearOperation(renameKeyOperation(keyId));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (typed === '' || typed === keyName) return close();
    if (await renameKey(serverId, keyId, typed)) close();
  };

  if (draft === null) {
    return (
      <div className="key-name-heading">
        <h1 data-testid="key-name">{keyName}</h1>
        {canRename && (
          <button type="button" className="link-button small" onClick={() => setDraft(keyName)} data-testid="key-rename">
            {t('key.rename')}
          </button>
        )}
      </div>
    );
  }
  return (
    <form className="key-rename" onSubmit={(event) => void submit(event)}>
      <div className="inline-form">
        <TextInput value={draft} onChange={setDraft} aria-label={t('key.newName')} autoFocus testId="key-rename-name" />
        <button type="submit" className="primary" disabled={operation.running || typed === ''} data-testid="key-rename-save">
          {operation.running ? t('key.renaming') : t('common.save')}
        </button>
        <button type="button" onClick={close} disabled={operation.running} data-testid="key-rename-cancel">
          {t('common.cancel')}
        </button>
      </div>
      <p className="muted small">{t('key.renameNote')}</p>
      <InlineError message={keyWriteError(operation, typed)} testId="key-rename-error" />
    </form>
  );
}
