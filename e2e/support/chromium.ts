import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (scripts/setup.sh installs it); Playwright never downloads a browser here. */
export const CHROMIUM_PATH = process.env.KEYPORT_CHROMIUM ?? '/usr/bin/chromium';

/** Where tests and benchmarks leave screenshots; not committed. */
export const ARTIFACTS_DIR = resolve(import.meta.dirname, '../artifacts');

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}; run scripts/setup.sh (apt-get install chromium)`);
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Root in a sandboxless container; the rest keeps Chromium off the (closed) network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
