import type { ReactNode } from 'react';

interface DialogButton {
  label: ReactNode;
  testId: string;
  onClick?: () => void;
  disabled?: boolean;
}

interface DialogActionsProps {
  /** The way out: cancel, back, later. */
  back: DialogButton;
  /** The dialog's action; `submit` makes it its form's submit button. */
  go: DialogButton & { tone: 'primary' | 'danger'; submit?: true };
  /** Shown before the buttons (a spinner while the action runs). */
  children?: ReactNode;
}

/** A dialog's row of buttons: the way out, then its action. */
export function DialogActions({ back, go, children }: DialogActionsProps) {
  return (
    <div className="dialog-actions">
      {children}
      <button type="button" onClick={back.onClick} disabled={back.disabled} data-testid={back.testId}>
        {back.label}
      </button>
      <button type={go.submit ? 'submit' : 'button'} className={go.tone} onClick={go.onClick} disabled={go.disabled} data-testid={go.testId}>
        {go.label}
      </button>
    </div>
  );
}
