import { useState } from 'react';
import { InlineError } from '../../components/inline-error.tsx';
import { errorMessage } from '../../format/error-message.ts';
import { fileNameFor } from '../../format/file-name.ts';
import { download, qrPngDataUrl, qrSvg } from './qr-images.ts';
import { useQrDataUrl } from './use-qr-data-url.ts';

/** Shown at 360 px, made at twice that so it stays sharp on high-density screens. */
export const QR_SHOWN_PX = 360;
const QR_EXPORT_PX = 1024;

interface KeyQrPanelProps {
  keyName: string;
  qrText: string;
  onPrint: () => void;
}

/** The key's QR code, to scan off the screen, save as PNG or SVG, or print. */
export function KeyQrPanel({ keyName, qrText, onPrint }: KeyQrPanelProps) {
  const qr = useQrDataUrl(qrText, QR_SHOWN_PX * 2);
  const [exportError, setExportError] = useState<string | null>(null);

  const exportPng = async () => {
    try {
      download(await qrPngDataUrl(qrText, QR_EXPORT_PX), fileNameFor(keyName, 'png'));
      setExportError(null);
    } catch (error) {
      setExportError(errorMessage(error));
    }
  };
  const exportSvg = async () => {
    try {
      const url = URL.createObjectURL(new Blob([await qrSvg(qrText)], { type: 'image/svg+xml' }));
      download(url, fileNameFor(keyName, 'svg'));
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setExportError(null);
    } catch (error) {
      setExportError(errorMessage(error));
    }
  };

  return (
    <section className="panel qr-panel">
      <h2>QR code</h2>
      <div className="qr-frame" style={{ width: QR_SHOWN_PX, height: QR_SHOWN_PX }}>
        {qr.dataUrl && (
          <img src={qr.dataUrl} width={QR_SHOWN_PX} height={QR_SHOWN_PX} alt={`QR code of ${keyName}`} data-testid="key-qr" className="qr-image" />
        )}
      </div>
      <InlineError message={qr.error ?? exportError} testId="key-qr-error" />
      <div className="panel-actions">
        <button type="button" onClick={() => void exportPng()} data-testid="key-export-png">
          Save PNG
        </button>
        <button type="button" onClick={() => void exportSvg()} data-testid="key-export-svg">
          Save SVG
        </button>
        <button type="button" onClick={onPrint} data-testid="key-print">
          Print sheet
        </button>
      </div>
    </section>
  );
}
