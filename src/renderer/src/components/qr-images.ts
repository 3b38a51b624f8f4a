import QRCode from 'qrcode';

/**
 * QR codes made to be scanned off a screen or paper: black on white, the standard four-module
 * quiet zone, and medium error correction (a vless:// link is long; higher levels make the
 * modules too small to scan from a screen).
 */
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } } as const;

export function qrPngDataUrl(text: string, widthPx: number): Promise<string> {
  return QRCode.toDataURL(text, { ...QR_OPTIONS, type: 'image/png', width: widthPx });
}

export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...QR_OPTIONS, type: 'svg' });
}
