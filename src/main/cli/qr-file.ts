import QRCode from 'qrcode';

/** Big enough to scan off a screen or a print-out; the margin is the quiet zone scanners need. */
const QR_OPTIONS = { errorCorrectionLevel: 'M', width: 512, margin: 4 } as const;

export async function writeQrFile(file: string, text: string, format: 'png' | 'svg'): Promise<void> {
  await QRCode.toFile(file, text, { ...QR_OPTIONS, type: format });
}
