import { useEffect } from 'react';
import { createPortal } from 'react-dom';
import { useQrDataUrl } from '../../hooks/use-qr-data-url.ts';
import { useTranslation } from 'react-i18next';

interface PrintSheetProps {
  keyName: string;
  serverName: string;
  link: string;
  qrText: string;
  onClose: () => void;
}

/**
 * A page to hand to a key's user: name, server, QR code and link. Shown over the console as a
 * preview; the print stylesheet prints it alone.
 */
export function PrintSheet({ keyName, serverName, link, qrText, onClose }: PrintSheetProps) {
  const { t } = useTranslation();
  const qr = useQrDataUrl(qrText, 1024);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return createPortal(
    <div className="print-sheet" data-testid="print-sheet">
      <div className="print-toolbar no-print">
        <button type="button" className="primary" disabled={!qr.dataUrl} onClick={() => window.print()} data-testid="print-sheet-print">
          {t('print.print')}
        </button>
        <button type="button" onClick={onClose} data-testid="print-sheet-close">
          {t('common.close')}
        </button>
      </div>
      <article className="print-page">
        <h1>{keyName}</h1>
        <p className="print-server">{t('print.server', { server: serverName })}</p>
        {qr.dataUrl && <img className="print-qr" src={qr.dataUrl} alt={t('qr.alt', { name: keyName })} />}
        <p className="print-hint">{t('print.hint')}</p>
        <code className="print-link">{link}</code>
      </article>
    </div>,
    document.body,
  );
}
