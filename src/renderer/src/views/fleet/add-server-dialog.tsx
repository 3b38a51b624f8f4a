import { DialogActions } from '../../components/dialog-actions.tsx';
import { InlineError } from '../../components/inline-error.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { useAddServerStore } from '../../state/add-server-store.ts';
import { useFleetStore } from '../../state/fleet-store.ts';
import { useNavigationStore } from '../../state/navigation-store.ts';
import { AddServerForm } from './add-server-form.tsx';
import { HostKeyConfirm } from './host-key-confirm.tsx';

/** Add a server: where it is, then its host key accepted, then the offer to deploy the agent. */
export function AddServerDialog() {
  const { phase, probe, added, error, close, backToForm, probeHostKey, accept } = useAddServerStore();
  const deploy = useFleetStore((state) => state.deploy);
  const goFleet = useNavigationStore((state) => state.goFleet);

  return (
    <ModalDialog title="Add server" onClose={close} testId="add-server-dialog" wide>
      {(phase === 'form' || phase === 'probing') && (
        <>
          <AddServerForm busy={phase === 'probing'} onSubmit={(request) => void probeHostKey(request)} />
          {phase === 'probing' && <Spinner label="Connecting to read the host key…" />}
        </>
      )}
      {(phase === 'confirm' || phase === 'adding') && probe && (
        <>
          <HostKeyConfirm probe={probe} busy={phase === 'adding'} onAccept={() => void accept()} onBack={backToForm} />
          {phase === 'adding' && <Spinner label="Logging in and adding the server…" />}
        </>
      )}
      {phase === 'added' && added && (
        <div data-testid="add-server-added">
          <p>
            <strong>{added.name}</strong> is added{added.agent ? ' and already runs the agent' : ''}. Deploy the agent now to start managing
            keys on it?
          </p>
          <DialogActions
            back={{ label: 'Later', testId: 'add-server-done', onClick: close }}
            go={{
              label: added.agent ? 'Redeploy now' : 'Deploy now',
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
