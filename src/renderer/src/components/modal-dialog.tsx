import { useEffect, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';

interface ModalDialogProps {
  title: string;
  onClose: () => void;
  testId: string;
  children: ReactNode;
  wide?: boolean;
}

/** A native modal <dialog>, put under <body> so it opens from anywhere (a table row too): focus stays inside, Escape closes it. */
export function ModalDialog({ title, onClose, testId, children, wide }: ModalDialogProps) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  return createPortal(
    <dialog
      ref={dialog}
      className={wide ? 'modal modal-wide' : 'modal'}
      data-testid={testId}
      aria-label={title}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <header className="modal-header">
        <h2>{title}</h2>
        <button type="button" className="icon-button" aria-label={t('common.close')} onClick={onClose} data-testid={`${testId}-close`}>
          ×
        </button>
      </header>
      <div className="modal-body">{children}</div>
    </dialog>,
    document.body,
  );
}
