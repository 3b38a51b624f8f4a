import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { writeQrFile } from './qr-file.ts';

const LINK =
  'vless://5f8c1a2e-4b1d-4c39-9a57-0e2f3b6d8c11@vpn.example.com:10001?encryption=none&flow=xtls-rprx-vision&security=reality' +
  '&sni=www.microsoft.com&fp=chrome&pbk=Z84J2IelR9ch3k8VtlVhhs5ycBUlXA7wHBWcBrjqnAw&sid=6ba85179e30d4fc2&type=tcp#alice%40example.com';
// jsqr is CommonJS and sets module.exports.default to itself; TypeScript sees only that property.
const jsQR = jsQRModule.default;
const dir = mkdtempSync(join(tmpdir(), 'keyport-qr-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the PNG is 512 px wide and decodes back to the vless:// link', async () => {
  const file = join(dir, 'key.png');
  await writeQrFile(file, LINK, 'png');
  const png = PNG.sync.read(readFileSync(file));
  assert.equal(png.width, 512);
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.equal(decoded?.data, LINK);
});

test('the SVG is an SVG document', async () => {
  const file = join(dir, 'key.svg');
  await writeQrFile(file, LINK, 'svg');
  const svg = readFileSync(file, 'utf8');
  assert.match(svg, /<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /width="512"/);
});
