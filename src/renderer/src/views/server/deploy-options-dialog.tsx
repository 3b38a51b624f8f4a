import { useState } from 'react';
import { DialogActions } from '../../components/dialog-actions.tsx';
import { InlineError } from '../../components/inline-error.tsx';
import { LabelledInput } from '../../components/labelled-input.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { selectServer, useFleetStore } from '../../state/fleet-store.ts';
import { subscriptionChoice, subscriptionDraftOf, type SubscriptionDraft } from '../../state/subscription-draft.ts';

/**
 * Deploy (or redeploy) with the agent's subscription listener on or off: a port, and a certificate
 * and key on this machine for HTTPS. The deploy log below the server shows how it goes.
 */
export function DeployOptionsDialog({ serverId, onClose }: { serverId: string; onClose: () => void }) {
  const server = useFleetStore(selectServer(serverId));
  const deploy = useFleetStore((state) => state.deploy);
  const [draft, setDraft] = useState<SubscriptionDraft>(() => subscriptionDraftOf(server?.agent));
  const [problem, setProblem] = useState<string | null>(null);
  const change = (field: keyof SubscriptionDraft) => (value: string | boolean) => setDraft((now) => ({ ...now, [field]: value }));
  const served = server?.agent?.subscriptions;

  const submit = () => {
    const choice = subscriptionChoice(draft);
    if (!choice.ok) return setProblem(choice.problem);
    onClose();
    void deploy(serverId, { subscriptions: choice.subscriptions });
  };

  return (
    <ModalDialog title={`Deploy options for ${server?.name ?? serverId}`} onClose={onClose} testId="deploy-options-dialog" wide>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <label className="checkbox">
          <input type="checkbox" checked={draft.enabled} onChange={(event) => change('enabled')(event.target.checked)} data-testid="deploy-subscriptions-enabled" /> Serve
          subscription links (one URL per key that client apps refresh)
        </label>
        <fieldset className="form-grid" disabled={!draft.enabled}>
          <LabelledInput label="Port" value={draft.port} onChange={change('port')} inputMode="numeric" placeholder="8443" testId="deploy-subscriptions-port" />
          <LabelledInput label="Certificate file (PEM)" value={draft.certFile} onChange={change('certFile')} placeholder="/etc/letsencrypt/live/vpn.example.com/fullchain.pem" testId="deploy-subscriptions-cert" />
          <LabelledInput label="Key file (PEM)" value={draft.keyFile} onChange={change('keyFile')} placeholder="/etc/letsencrypt/live/vpn.example.com/privkey.pem" testId="deploy-subscriptions-key" />
        </fieldset>
        {draft.enabled && (
          <p className="muted small" data-testid="deploy-subscriptions-note">
            {served?.certificate && !draft.certFile
              ? `Without new files the certificate on the server is kept (${served.certificate.subject}, valid until ${served.certificate.notAfter}).`
              : 'Without a certificate the links are served over plain HTTP: anyone on the way sees the token and every link with its uuid. HTTPS is advised.'}
          </p>
        )}
        <InlineError message={problem} testId="deploy-options-error" />
        <DialogActions
          back={{ label: 'Cancel', testId: 'deploy-options-cancel', onClick: onClose }}
          go={{ label: server?.agent ? 'Redeploy' : 'Deploy', tone: 'primary', testId: 'deploy-options-go', submit: true }}
        />
      </form>
    </ModalDialog>
  );
}
