import { useEffect, useState } from 'react';
import { errorMessage } from '../format/error-message.ts';
import { qrPngDataUrl } from '../components/qr-images.ts';

/** The QR code of `text` as a PNG data URL, or why it could not be made. */
export function useQrDataUrl(text: string | undefined, widthPx: number): { dataUrl: string | null; error: string | null } {
  const [result, setResult] = useState<{ text: string; dataUrl: string | null; error: string | null } | null>(null);
  useEffect(() => {
    if (!text) return;
    let current = true;
    qrPngDataUrl(text, widthPx).then(
      (dataUrl) => current && setResult({ text, dataUrl, error: null }),
      (error: unknown) => current && setResult({ text, dataUrl: null, error: errorMessage(error) }),
    );
    return () => {
      current = false;
    };
  }, [text, widthPx]);
  return result && result.text === text ? result : { dataUrl: null, error: null };
}
