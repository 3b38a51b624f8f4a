import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS_DIR, launchChromium } from './chromium.ts';
import { startWebConsoleProcess, type RunningWebConsole } from './web-console-process.ts';

export const byTestId = (id: string) => `[data-testid="${id}"]`;

export interface WebConsoleSession {
  /** The running `keyport console`; a new one after restartWeb(). */
  readonly web: RunningWebConsole;
  browser: Browser;
  page: Page;
  /** A full-page screenshot into e2e/artifacts/web-NAME.png. */
  screenshot(name: string): Promise<unknown>;
  /** Stops `keyport console` and starts it again on the same state (the page stays open, on the old address). */
  restartWeb(): Promise<void>;
  close(): Promise<void>;
}

/** `keyport console` (web mode) on `env`, and one Chromium page, not yet on its address. */
export async function openWebConsole(env: Record<string, string>): Promise<WebConsoleSession> {
  let web = await startWebConsoleProcess(env);
  const browser = await launchChromium().catch(async (error: unknown) => {
    await web.stop();
    throw error;
  });
  // The window picks its language from the browser's: these runs read English.
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'en-US' });
  page.setDefaultTimeout(30_000);
  return {
    get web() {
      return web;
    },
    browser,
    page,
    screenshot: (name) => page.screenshot({ path: join(ARTIFACTS_DIR, `web-${name}.png`), fullPage: true }),
    async restartWeb() {
      await web.stop();
      web = await startWebConsoleProcess(env);
    },
    async close() {
      await browser.close();
      await web.stop();
    },
  };
}
