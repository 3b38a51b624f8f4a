import { useState } from 'react';
import { errorMessage } from '../format/error-message.ts';
import { fileNameFor } from '../format/file-name.ts';
import { useQrDataUrl } from '../hooks/use-qr-data-url.ts';
import { InlineError } from './inline-error.tsx';
import { qrPngDataUrl, qrSvg } from './qr-images.ts';
import { download, saveBlob } from './save-blob.ts';
import { useTranslation } from 'react-i18next';

/** Shown at 360 px, made at twice that so it stays sharp on high-density screens. */
const QR_SHOWN_PX = 360;
const QR_EXPORT_PX = 1024;

interface QrPanelProps {
  /** What the code is of: its image's alt text and the saved files' name. */
  name: string;
  qrText: string;
  /** `${testIdPrefix}-qr`, `-qr-error`, `-export-png`, `-export-svg`, `-print`. */
  testIdPrefix: string;
  title?: string;
  /** Offers a print sheet when given. */
  onPrint?: () => void;
  /** A code that does not connect now: covered and greyed so it cannot pass for a working one, and not offered for print. */
  outOfService?: QrOutOfService;
}

export interface QrOutOfService {
  /** Across the code, e.g. "Disabled: this code does not connect". */
  label: string;
  /** The image's alt text instead of the usual one. */
  alt: string;
  /** Beside the print button, which is off: why. */
  noPrint: string;
}

/** A QR code to scan off the screen, save as PNG or SVG, or print. */
export function QrPanel({ name, qrText, testIdPrefix, title, onPrint, outOfService }: QrPanelProps) {
  const { t } = useTranslation();
  const qr = useQrDataUrl(qrText, QR_SHOWN_PX * 2);
  const [exportError, setExportError] = useState<string | null>(null);

  const exportPng = async () => {
    try {
      download(await qrPngDataUrl(qrText, QR_EXPORT_PX), fileNameFor(name, 'png'));
      setExportError(null);
    } catch (error) {
      setExportError(errorMessage(error));
    }
  };
  const exportSvg = async () => {
    try {
      saveBlob(new Blob([await qrSvg(qrText)], { type: 'image/svg+xml' }), fileNameFor(name, 'svg'));
      setExportError(null);
    } catch (error) {
      setExportError(errorMessage(error));
    }
  };

  return (
    <section className="panel qr-panel">
      <h2>{title ?? t('qr.title')}</h2>
      <div
        className={outOfService ? 'qr-frame out-of-service' : 'qr-frame'}
        style={{ width: QR_SHOWN_PX, height: QR_SHOWN_PX }}
        data-testid={`${testIdPrefix}-qr-frame`}
        data-out-of-service={outOfService ? 'true' : 'false'}
      >
        {qr.dataUrl && (
          <img
            src={qr.dataUrl}
            width={QR_SHOWN_PX}
            height={QR_SHOWN_PX}
            alt={outOfService?.alt ?? t('qr.alt', { name })}
            data-testid={`${testIdPrefix}-qr`}
            className="qr-image"
          />
        )}
        {outOfService && (
          <p className="out-of-service-label" data-testid={`${testIdPrefix}-qr-out-of-service`}>
            {outOfService.label}
          </p>
        )}
      </div>
      <InlineError message={qr.error ?? exportError} testId={`${testIdPrefix}-qr-error`} />
      <div className="panel-actions">
        <button type="button" onClick={() => void exportPng()} data-testid={`${testIdPrefix}-export-png`}>
          {t('qr.savePng')}
        </button>
        <button type="button" onClick={() => void exportSvg()} data-testid={`${testIdPrefix}-export-svg`}>
          {t('qr.saveSvg')}
        </button>
        {onPrint && (
          <button
            type="button"
            onClick={onPrint}
            disabled={outOfService !== undefined}
            aria-describedby={outOfService ? `${testIdPrefix}-print-refused` : undefined}
            data-testid={`${testIdPrefix}-print`}
          >
            {t('qr.printSheet')}
          </button>
        )}
      </div>
      {onPrint && outOfService && (
        <p className="muted small" id={`${testIdPrefix}-print-refused`} data-testid={`${testIdPrefix}-print-refused`}>
          {outOfService.noPrint}
        </p>
      )}
    </section>
  );
}
