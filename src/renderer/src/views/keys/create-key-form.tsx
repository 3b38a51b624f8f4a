import { useState, type FormEvent } from 'react';
import type { ApiKey } from '../../../../shared/contract/api-types.ts';
import { InlineError } from '../../components/inline-error.tsx';
import { isDraftChanged, NO_LIMITS_DRAFT, readKeyLimitsDraft, type KeyLimitsDraftErrors } from '../../components/key-limits-draft.ts';
import { KeyLimitsFields } from '../../components/key-limits-fields.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { keyWriteError } from '../../format/key-write-error.ts';
import { linkWarning } from '../../format/problem-words.ts';
import { selectStatus, useFleetStore } from '../../state/fleet-store.ts';
import { createKeyOperation, selectKeyList, useKeysStore } from '../../state/keys-store.ts';
import { useNavigationStore } from '../../state/navigation-store.ts';
import { useOperation } from '../../state/operations-store.ts';
import { isReachFailure } from '../../state/server-condition.ts';
import { useTranslation } from 'react-i18next';

/** A new key by name, with a quota, expiry and note if wanted; the agent picks its port and Reality settings. */
export function CreateKeyForm({ serverId, blockedWhy }: { serverId: string; blockedWhy: string | null }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [limitsOpen, setLimitsOpen] = useState(false);
  const [limits, setLimits] = useState(NO_LIMITS_DRAFT);
  const [limitErrors, setLimitErrors] = useState<KeyLimitsDraftErrors>({});
  const [created, setCreated] = useState<ApiKey | null>(null);
  const createKey = useKeysStore((state) => state.createKey);
  const openKey = useNavigationStore((state) => state.openKey);
  const operation = useOperation(createKeyOperation(serverId));
  const problems = useFleetStore(selectStatus(serverId))?.value?.problems;
  const refreshServer = useFleetStore((state) => state.refreshServer);
  // The note leads to the key's page, so it follows the key in the list (a rename), and goes when the
  // key does (deleted here or elsewhere), with the warning that names it.
  const createdNow = useKeysStore((state) => (created ? selectKeyList(serverId)(state)?.value?.data.find((key) => key.id === created.id) : undefined));
  const shownCreated = createdNow && !operation.error ? createdNow : null;
  const warning = problems ? linkWarning(problems, shownCreated?.name) : null;
  const limitsSet = isDraftChanged(limits, NO_LIMITS_DRAFT);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim() || blockedWhy !== null) return;
    const read = readKeyLimitsDraft(limits, NO_LIMITS_DRAFT, Date.now());
    if (!read.ok) {
      setLimitErrors(read.errors);
      setLimitsOpen(true);
      return;
    }
    setLimitErrors({});
    setCreated(null);
    const key = await createKey(serverId, name.trim(), Object.keys(read.limits).length > 0 ? read.limits : undefined);
    if (key) {
      setName('');
      setLimits(NO_LIMITS_DRAFT);
      setLimitsOpen(false);
      setCreated(key);
      // The first active key is the first port to check from here: the status says whether it answers.
      void refreshServer(serverId);
    }
  };

  return (
    <form className="create-key" onSubmit={(event) => void submit(event)}>
      <div className="inline-form">
        <TextInput value={name} onChange={setName} placeholder={t('keys.create.placeholder')} aria-label={t('keys.create.label')} testId="create-key-name" />
        <button
          type="button"
          aria-expanded={limitsOpen}
          aria-controls="create-key-limits"
          className={limitsSet ? 'limits-set' : undefined}
          onClick={() => setLimitsOpen(!limitsOpen)}
          data-testid="create-key-limits-toggle"
        >
          {limitsSet ? t('keys.create.limitsSet') : t('keys.create.limits')}
        </button>
        <button
          type="submit"
          className="primary"
          disabled={operation.running || !name.trim() || blockedWhy !== null}
          title={blockedWhy ?? undefined}
          data-testid="create-key-button"
        >
          {operation.running ? t('common.creating') : t('keys.create.create')}
        </button>
      </div>
      {limitsOpen && (
        <div id="create-key-limits" className="create-key-limits" role="group" aria-label={t('keys.create.limitsGroup')}>
          <KeyLimitsFields draft={limits} onChange={setLimits} errors={limitErrors} disabled={operation.running} testIdPrefix="create-key" />
        </div>
      )}
      {shownCreated && (
        <p className="created-note" role="status" data-testid="create-key-created" data-key-id={shownCreated.id}>
          {t('keys.create.created', { name: shownCreated.name, port: shownCreated.port })}{' '}
          <button type="button" className="link-button" onClick={() => openKey(serverId, shownCreated.id)} data-testid="create-key-open">
            {t('keys.create.open')}
          </button>
        </p>
      )}
      {warning && (
        <p className="link-warning small" role="status" data-testid="create-key-warning">
          {warning}
        </p>
      )}
      {/* Refused as out of reach: the server's notice says why, and the button's title. */}
      <InlineError message={blockedWhy !== null && isReachFailure(operation.errorCode) ? null : keyWriteError(operation, name.trim())} testId="create-key-error" />
    </form>
  );
}
