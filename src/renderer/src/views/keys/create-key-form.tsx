import { useState, type FormEvent } from 'react';
import type { ApiKey } from '../../../../shared/contract/api-types.ts';
import { InlineError } from '../../components/inline-error.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { keyWriteError } from '../../format/key-write-error.ts';
import { linkWarning } from '../../format/problem-words.ts';
import { selectStatus, useFleetStore } from '../../state/fleet-store.ts';
import { createKeyOperation, useKeysStore } from '../../state/keys-store.ts';
import { useNavigationStore } from '../../state/navigation-store.ts';
import { useOperation } from '../../state/operations-store.ts';

/** A new key by name; the agent picks its port and Reality settings. */
export function CreateKeyForm({ serverId }: { serverId: string }) {
  const [name, setName] = useState('');
  const [created, setCreated] = useState<ApiKey | null>(null);
  const createKey = useKeysStore((state) => state.createKey);
  const openKey = useNavigationStore((state) => state.openKey);
  const operation = useOperation(createKeyOperation(serverId));
  const problems = useFleetStore(selectStatus(serverId))?.value?.problems;
  const refreshServer = useFleetStore((state) => state.refreshServer);
  const warning = problems ? linkWarning(problems, created && !operation.error ? created.name : undefined) : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    setCreated(null);
    const key = await createKey(serverId, name.trim());
    if (key) {
      setName('');
      setCreated(key);
      // The first active key is the first port to check from here: the status says whether it answers.
      void refreshServer(serverId);
    }
  };

  return (
    <form className="create-key" onSubmit={(event) => void submit(event)}>
      <div className="inline-form">
        <TextInput value={name} onChange={setName} placeholder="New key name, e.g. alice@example.com" aria-label="New key name" testId="create-key-name" />
        <button type="submit" className="primary" disabled={operation.running || !name.trim()} data-testid="create-key-button">
          {operation.running ? 'Creating…' : 'Create key'}
        </button>
      </div>
      {created && !operation.error && (
        <p className="created-note" role="status" data-testid="create-key-created" data-key-id={created.id}>
          Created {created.name} on port {created.port}.{' '}
          <button type="button" className="link-button" onClick={() => openKey(serverId, created.id)} data-testid="create-key-open">
            Open its link and QR code
          </button>
        </p>
      )}
      {warning && (
        <p className="link-warning small" role="status" data-testid="create-key-warning">
          {warning}
        </p>
      )}
      <InlineError message={keyWriteError(operation, name.trim())} testId="create-key-error" />
    </form>
  );
}
