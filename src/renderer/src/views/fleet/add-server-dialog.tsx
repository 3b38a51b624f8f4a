import { DialogActions } from '../../components/dialog-actions.tsx';
import { InlineError } from '../../components/inline-error.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { useAddServerStore } from '../../state/add-server-store.ts';
import { useFleetStore } from '../../state/fleet-store.ts';
import { useNavigationStore } from '../../state/navigation-store.ts';
import { AddServerForm } from './add-server-form.tsx';
import { HostKeyConfirm } from './host-key-confirm.tsx';
import { Trans, useTranslation } from 'react-i18next';

/** Add a server: where it is, then its host key accepted, then the offer to deploy the agent. */
export function AddServerDialog() {
  const { t } = useTranslation();
  const { phase, probe, added, error, sshHosts, close, backToForm, probeHostKey, accept } = useAddServerStore();
  const deploy = useFleetStore((state) => state.deploy);
  const goFleet = useNavigationStore((state) => state.goFleet);

  return (
    <ModalDialog title={t('addServer.title')} onClose={close} testId="add-server-dialog" wide>
      {(phase === 'form' || phase === 'probing') && (
        <>
          <AddServerForm busy={phase === 'probing'} sshHosts={sshHosts} onSubmit={(request) => void probeHostKey(request)} />
          {phase === 'probing' && <Spinner label={t('addServer.probing')} />}
        </>
      )}
      {(phase === 'confirm' || phase === 'adding') && probe && (
        <>
          <HostKeyConfirm probe={probe} busy={phase === 'adding'} onAccept={() => void accept()} onBack={backToForm} />
          {phase === 'adding' && <Spinner label={t('addServer.adding')} />}
        </>
      )}
      {phase === 'added' && added && (
        <div data-testid="add-server-added">
          <p>
            <Trans t={t} i18nKey={added.agent ? 'addServer.addedWithAgent' : 'addServer.added'} values={{ name: added.name }} />
          </p>
          <DialogActions
            back={{ label: t('common.later'), testId: 'add-server-done', onClick: close }}
            go={{
              label: added.agent ? t('addServer.redeployNow') : t('addServer.deployNow'),
              tone: 'primary',
              testId: 'add-server-deploy',
              onClick: () => {
                close();
                goFleet();
                void deploy(added.id);
              },
            }}
          />
        </div>
      )}
      <InlineError message={error} testId="add-server-error" />
    </ModalDialog>
  );
}
