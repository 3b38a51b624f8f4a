import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { _electron as electron } from 'playwright-core';

const REPO = resolve(import.meta.dirname, '../..');

/** The Electron binary npm would have downloaded, or null (installs here use ELECTRON_SKIP_BINARY_DOWNLOAD). */
function electronBinary(): string | null {
  const pathFile = join(REPO, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(REPO, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();

test(
  'the desktop window opens the console, and its page sees only the bridge: no Node, no Electron',
  { skip: binary ? false : 'no Electron binary here: it cannot be downloaded on this machine (npm ci runs with ELECTRON_SKIP_BINARY_DOWNLOAD=1)', timeout: 120_000 },
  async () => {
    execFileSync(join(REPO, 'node_modules/.bin/electron-vite'), ['build'], { cwd: REPO, stdio: 'ignore' });
    const home = mkdtempSync(join(tmpdir(), 'keyport-electron-'));
    const app = await electron.launch({ executablePath: binary!, args: [join(REPO, 'out/main/index.js')], env: { ...process.env, KEYPORT_HOME: home } });
    try {
      const page = await app.firstWindow();
      await page.locator('[data-testid="fleet-view"]').waitFor();
      const globals = await page.evaluate(() => ({
        bridge: typeof (window as unknown as { keyportBridge?: { invoke?: unknown } }).keyportBridge?.invoke,
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
      }));
      assert.deepEqual(globals, { bridge: 'function', require: 'undefined', process: 'undefined' });
      const csp = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '');
      assert.match(csp, /script-src 'self'/);
    } finally {
      await app.close();
      rmSync(home, { recursive: true, force: true });
    }
  },
);
