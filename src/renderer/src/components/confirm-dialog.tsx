import type { ReactNode } from 'react';
import { clearOperation, useOperation } from '../state/operations-store.ts';
import { DialogActions } from './dialog-actions.tsx';
import { InlineError } from './inline-error.tsx';
import { ModalDialog } from './modal-dialog.tsx';
import { Spinner } from './spinner.tsx';
import { useTranslation } from 'react-i18next';

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** The confirm button's look: danger (the default) for what cannot be undone, primary for what can. */
  tone?: 'danger' | 'primary';
  /** The operation the confirmed action runs under: its progress and error show in the dialog. */
  operationId: string;
  /** Answers true when it worked; the dialog then closes. */
  onConfirm: () => Promise<boolean>;
  onClose: () => void;
}

/** Asks before a destructive action, and stays open to show why it failed if it does. */
export function ConfirmDialog({ title, children, confirmLabel, tone = 'danger', operationId, onConfirm, onClose }: ConfirmDialogProps) {
  const { t } = useTranslation();
  const operation = useOperation(operationId);
  const close = () => {
    clearOperation(operationId);
    onClose();
  };
  // Store actions keep their failures in the operation's state: nothing is left to reject here.
  const confirm = async () => {
    if (await onConfirm()) onClose();
  };
  return (
    <ModalDialog title={title} onClose={close} testId="confirm-dialog">
      <div className="confirm-text">{children}</div>
      <InlineError message={operation.error} testId="confirm-error" />
      <DialogActions
        back={{ label: t('common.cancel'), testId: 'confirm-cancel', onClick: close }}
        go={{ label: confirmLabel, tone, testId: 'confirm-ok', disabled: operation.running, onClick: () => void confirm() }}
      >
        {operation.running && <Spinner label={t('common.working')} />}
      </DialogActions>
    </ModalDialog>
  );
}
