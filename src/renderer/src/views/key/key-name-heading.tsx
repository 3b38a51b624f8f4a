import { useState, type FormEvent } from 'react';
import { InlineError } from '../../components/inline-error.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { keyNameError } from '../../format/key-name-words.ts';
import { keyWriteError } from '../../format/key-write-error.ts';
import { renameKeyOperation, selectKeyList, useKeysStore } from '../../state/keys-store.ts';
import { clearOperation, useOperation } from '../../state/operations-store.ts';
import { useTranslation } from 'react-i18next';

interface KeyNameHeadingProps {
  serverId: string;
  keyId: string;
  keyName: string;
  /** False while the key itself is not known yet (nothing to rename). */
  canRename: boolean;
}

/** The key's name as the view's title, renamed in place; a name the agent would refuse is said before it is sent. */
export function KeyNameHeading({ serverId, keyId, keyName, canRename }: KeyNameHeadingProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<string | null>(null);
  const renameKey = useKeysStore((state) => state.renameKey);
  const operation = useOperation(renameKeyOperation(keyId));
  const serverKeys = useKeysStore(selectKeyList(serverId))?.value?.data;
  const typed = draft?.trim() ?? '';
  const problem = draft === null || typed === keyName ? null : keyNameError(typed, keyId, serverKeys ?? []);

  const close = () => {
    setDraft(null);
    clearOperation(renameKeyOperation(keyId));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (typed === keyName) return close();
    if (problem) return;
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
        <TextInput
          value={draft}
          onChange={(value) => {
            setDraft(value);
            // The server's refusal was of the name typed before.
            if (operation.error) clearOperation(renameKeyOperation(keyId));
          }}
          aria-label={t('key.newName')}
          aria-invalid={problem !== null}
          aria-describedby={problem ? 'key-rename-error' : undefined}
          autoFocus
          testId="key-rename-name"
        />
        <button type="submit" className="primary" disabled={operation.running || problem !== null} data-testid="key-rename-save">
          {operation.running ? t('key.renaming') : t('common.save')}
        </button>
        <button type="button" onClick={close} disabled={operation.running} data-testid="key-rename-cancel">
          {t('common.cancel')}
        </button>
      </div>
      <p className="muted small">{t('key.renameNote')}</p>
      <InlineError message={problem ?? keyWriteError(operation, typed)} testId="key-rename-error" id="key-rename-error" />
    </form>
  );
}
