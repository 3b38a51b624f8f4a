import { useState, type FormEvent } from 'react';
import { PROVIDE_SECRET_OPERATION, useFleetStore } from '../state/fleet-store.ts';
import { useOperation } from '../state/operations-store.ts';
import { useSecretRequestStore, type SecretRequest } from '../state/secret-request-store.ts';
import { InlineError } from './inline-error.tsx';
import { ModalDialog } from './modal-dialog.tsx';
import { useTranslation } from 'react-i18next';

/** Asks for the SSH password or passphrase a server needs, hands it to the core, and checks the server again. */
export function SecretDialog() {
  const request = useSecretRequestStore((state) => state.request);
  // Keyed by the question, so a secret typed for one never stays in the field for the next.
  return request ? <SecretForm key={`${request.serverId}\n${request.prompt}`} request={request} /> : null;
}

function SecretForm({ request }: { request: SecretRequest }) {
  const { t } = useTranslation();
  const dismiss = useSecretRequestStore((state) => state.dismiss);
  const serverName = useFleetStore((state) => state.servers.find((server) => server.id === request.serverId)?.name);
  const provideSecret = useFleetStore((state) => state.provideSecret);
  const operation = useOperation(PROVIDE_SECRET_OPERATION);
  const [secret, setSecret] = useState('');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await provideSecret(request.serverId, secret);
  };

  return (
    <ModalDialog title={t('secret.title', { server: serverName ?? t('secret.theServer') })} onClose={dismiss} testId="secret-dialog">
      <form className="form" onSubmit={(event) => void submit(event)}>
        <label>
          {request.prompt}
          <input type="password" autoFocus autoComplete="off" value={secret} onChange={(event) => setSecret(event.target.value)} data-testid="secret-input" />
        </label>
        <p className="muted small">{t('secret.kept')}</p>
        <InlineError message={operation.error} testId="secret-error" />
        <div className="dialog-actions">
          <button type="button" onClick={dismiss} data-testid="secret-cancel">
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={operation.running || secret.length === 0} data-testid="secret-submit">
            {t('secret.logIn')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
