import { useState, type FormEvent } from 'react';
import { services } from '../bridge/services.ts';
import { useFleetStore } from '../state/fleet-store.ts';
import { runOperation, useOperation } from '../state/operations-store.ts';
import { useSecretRequestStore } from '../state/secret-request-store.ts';
import { InlineError } from './inline-error.tsx';
import { ModalDialog } from './modal-dialog.tsx';

const PROVIDE_SECRET = 'fleet.provide-secret';

/** Asks for the SSH password or passphrase a server needs, hands it to the core, and checks the server again. */
export function SecretDialog() {
  const request = useSecretRequestStore((state) => state.request);
  const dismiss = useSecretRequestStore((state) => state.dismiss);
  const serverName = useFleetStore((state) => state.servers.find((server) => server.id === request?.serverId)?.name);
  const refreshServer = useFleetStore((state) => state.refreshServer);
  const operation = useOperation(PROVIDE_SECRET);
  const [secret, setSecret] = useState('');
  if (!request) return null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const given = await runOperation(PROVIDE_SECRET, async () => {
      await services.fleet.provideSecret(request.serverId, secret);
      return true;
    });
    if (!given) return;
    setSecret('');
    dismiss();
    await refreshServer(request.serverId);
  };

  return (
    <ModalDialog title={`Log in to ${serverName ?? 'the server'}`} onClose={dismiss} testId="secret-dialog">
      <form className="form" onSubmit={(event) => void submit(event)}>
        <label>
          {request.prompt}
          <input type="password" autoFocus autoComplete="off" value={secret} onChange={(event) => setSecret(event.target.value)} data-testid="secret-input" />
        </label>
        <p className="muted small">Kept in the OS keychain when there is one, otherwise only until Keyport stops.</p>
        <InlineError message={operation.error} testId="secret-error" />
        <div className="dialog-actions">
          <button type="button" onClick={dismiss} data-testid="secret-cancel">
            Cancel
          </button>
          <button type="submit" className="primary" disabled={operation.running || secret.length === 0} data-testid="secret-submit">
            Log in
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
