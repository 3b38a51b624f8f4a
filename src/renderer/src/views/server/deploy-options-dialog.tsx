import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { DialogActions } from '../../components/dialog-actions.tsx';
import { InlineError } from '../../components/inline-error.tsx';
import { LabelledInput } from '../../components/labelled-input.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { selectServer, useFleetStore } from '../../state/fleet-store.ts';
import { subscriptionChoice, subscriptionDraftOf, type SubscriptionDraft, type SubscriptionProblem } from '../../state/subscription-draft.ts';

/**
 * Deploy (or redeploy) with the agent's subscription listener on or off: a port, and a certificate
 * and key on this machine for HTTPS. The deploy log below the server shows how it goes.
 */
export function DeployOptionsDialog({ serverId, onClose }: { serverId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const server = useFleetStore(selectServer(serverId));
  const deploy = useFleetStore((state) => state.deploy);
  const [draft, setDraft] = useState<SubscriptionDraft>(() => subscriptionDraftOf(server?.agent));
  const [problem, setProblem] = useState<SubscriptionProblem | null>(null);
  const change = (field: keyof SubscriptionDraft) => (value: string | boolean) => setDraft((now) => ({ ...now, [field]: value }));
  const served = server?.agent?.subscriptions;

  const submit = () => {
    const choice = subscriptionChoice(draft);
    if (!choice.ok) return setProblem(choice.problem);
    onClose();
    void deploy(serverId, { subscriptions: choice.subscriptions });
  };

  return (
    <ModalDialog title={t('deployOptions.title', { server: server?.name ?? serverId })} onClose={onClose} testId="deploy-options-dialog" wide>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <label className="checkbox">
          <input type="checkbox" checked={draft.enabled} onChange={(event) => change('enabled')(event.target.checked)} data-testid="deploy-subscriptions-enabled" />{' '}
          {t('deployOptions.serve')}
        </label>
        <fieldset className="form-grid" disabled={!draft.enabled}>
          <LabelledInput label={t('deployOptions.port')} value={draft.port} onChange={change('port')} inputMode="numeric" placeholder="8443" testId="deploy-subscriptions-port" />
          <LabelledInput label={t('deployOptions.certFile')} value={draft.certFile} onChange={change('certFile')} placeholder="/etc/letsencrypt/live/…/fullchain.pem" testId="deploy-subscriptions-cert" />
          <LabelledInput label={t('deployOptions.keyFile')} value={draft.keyFile} onChange={change('keyFile')} placeholder="/etc/letsencrypt/live/…/privkey.pem" testId="deploy-subscriptions-key" />
        </fieldset>
        {draft.enabled && (
          <p className="muted small" data-testid="deploy-subscriptions-note">
            {served?.certificate && !draft.certFile ? (
              <Trans
                t={t}
                i18nKey="deployOptions.certificateKept"
                values={{ subject: served.certificate.subject, notAfter: served.certificate.notAfter }}
                components={{ data: <span translate="no" /> }}
              />
            ) : (
              t('deployOptions.plainHttp')
            )}
          </p>
        )}
        <InlineError message={problem && t(`deployOptions.problem.${problem}`)} testId="deploy-options-error" />
        <DialogActions
          back={{ label: t('common.cancel'), testId: 'deploy-options-cancel', onClick: onClose }}
          go={{ label: server?.agent ? t('deploy.redeploy') : t('deploy.deploy'), tone: 'primary', testId: 'deploy-options-go', submit: true }}
        />
      </form>
    </ModalDialog>
  );
}
