import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';

// jsqr is CommonJS and sets module.exports.default to itself; TypeScript sees only that property.
const jsQR = jsQRModule.default;

/** What a QR code PNG says, and how wide it is; null text when no code can be read. */
export function decodeQrPng(png: Buffer): { text: string | null; width: number } {
  const image = PNG.sync.read(png);
  return { text: jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null, width: image.width };
}
