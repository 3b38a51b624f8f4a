import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '../../remote-agent/test/support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { ARTIFACTS_DIR, launchChromium } from '../support/chromium.ts';
import { decodeQrPng } from '../support/decode-qr.ts';
import { keyportJson } from '../support/keyport-cli.ts';
import { startWebConsoleProcess, type RunningWebConsole } from '../support/web-console-process.ts';

const REPO = resolve(import.meta.dirname, '../..');
const byTestId = (id: string) => `[data-testid="${id}"]`;

/**
 * The console's window, as web mode serves it, driven in Debian's Chromium against a test server
 * (a namespace with a real sshd, iptables and the stand-in Xray): add and accept the host key,
 * deploy, create a key, decode its QR code, see real traffic in its charts, and read the history
 * of the same server once it is offline.
 */
describe('web console in Chromium against a test server', { timeout: 600_000 }, () => {
  let server: TestServer;
  let scratch: string;
  let env: Record<string, string>;
  let web: RunningWebConsole;
  let browser: Browser;
  let page: Page;
  let key: { id: string; name: string; port: number };

  const screenshot = (name: string) => page.screenshot({ path: join(ARTIFACTS_DIR, `web-${name}.png`), fullPage: true });

  before(async () => {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
    execFileSync(join(REPO, 'node_modules/.bin/electron-vite'), ['build'], { cwd: REPO, stdio: 'ignore' });
    server = await TestServer.create(await freePort());
    scratch = mkdtempSync(join(tmpdir(), 'keyport-web-e2e-'));
    mkdirSync(join(scratch, 'home'), { mode: 0o700 });
    env = { HOME: join(scratch, 'home'), KEYPORT_HOME: join(scratch, 'keyport'), SSH_AUTH_SOCK: '' };
    web = await startWebConsoleProcess(env);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.setDefaultTimeout(30_000);
  });

  after(async () => {
    await browser?.close();
    await web?.stop();
    await server?.destroy();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('without its token the console page is refused', async () => {
    const response = await page.goto(new URL('/', web.url).href);
    assert.equal(response?.status(), 403);
  });

  test('adds the server after showing its host key fingerprint for acceptance', async () => {
    await page.goto(web.url);
    await page.click(byTestId('add-server-button'));
    await page.check(byTestId('add-server-mode-host'));
    await page.fill(byTestId('add-server-name'), 'alpha');
    await page.fill(byTestId('add-server-host'), '127.0.0.1');
    await page.fill(byTestId('add-server-port'), String(server.sshPort));
    await page.fill(byTestId('add-server-user'), 'root');
    await page.selectOption(byTestId('add-server-auth'), 'key');
    await page.fill(byTestId('add-server-key-path'), server.clientKeyPath);
    await page.click(byTestId('add-server-probe'));
    const fingerprint = page.locator(byTestId('host-key-fingerprint'));
    await fingerprint.waitFor();
    assert.equal((await fingerprint.textContent())?.trim(), server.hostKeyFingerprint);
    await screenshot('add-server');
    await page.click(byTestId('host-key-accept'));
    await page.locator(byTestId('add-server-added')).waitFor();
    const servers = await keyportJson<{ name: string; hostKeyFingerprint: string }[]>(['server', 'list'], env);
    assert.deepEqual(servers.map((entry) => [entry.name, entry.hostKeyFingerprint]), [['alpha', server.hostKeyFingerprint]]);
  });

  test('deploys the agent with a live step log, and the server turns online', async () => {
    await page.click(byTestId('add-server-deploy'));
    const log = page.locator(byTestId('deploy-log'));
    await log.waitFor();
    await page.locator(`${byTestId('deploy-log')}[data-outcome="done"]`).waitFor({ timeout: 120_000 });
    const steps = await log.textContent();
    assert.match(steps ?? '', /upload-runtime|runtime/i);
    assert.match(steps ?? '', /health/i);
    await screenshot('deploy');
    const done = page.locator(byTestId('add-server-done'));
    if (await done.isVisible()) await done.click();
    await page.click(byTestId('server-link-alpha'));
    await page.locator(`${byTestId('server-state')}:has-text("online")`).first().waitFor();
    await page.click(byTestId('deploy-log-close'));
    await page.locator(byTestId('deploy-log')).waitFor({ state: 'detached' });
  });

  test('creates a key, whose QR code decodes to its vless:// link', async () => {
    await page.click(byTestId('tab-keys'));
    await page.fill(byTestId('create-key-name'), 'laptop-anna');
    await page.click(byTestId('create-key-button'));
    const row = page.locator('[data-testid^="key-row-"]', { hasText: 'laptop-anna' });
    await row.waitFor();
    const keys = (await keyportJson<{ data: { id: string; name: string; port: number }[] }>(['keys', 'list', 'alpha'], env)).data;
    key = keys.find((entry) => entry.name === 'laptop-anna')!;
    assert.ok(key, JSON.stringify(keys));
    await screenshot('keys');

    await row.click();
    const link = (await page.locator(byTestId('key-link')).textContent())?.trim() ?? '';
    assert.match(link, new RegExp(`^vless://[0-9a-f-]{36}@127\\.0\\.0\\.1:${key.port}\\?`));
    const qr = page.locator(byTestId('key-qr'));
    await qr.waitFor();
    const src = (await qr.getAttribute('src')) ?? '';
    assert.match(src, /^data:image\/png;base64,/);
    const decoded = decodeQrPng(Buffer.from(src.split(',')[1]!, 'base64'));
    assert.ok(decoded.width >= 320, `the QR image is ${decoded.width} px wide`);
    assert.equal(decoded.text, link);
    await screenshot('key');
  });

  test('a key is disabled and enabled from its toggle, and another deleted after confirmation', async () => {
    const activeOnServer = async (id: string) =>
      (await keyportJson<{ data: { id: string; is_active: boolean }[] }>(['keys', 'list', 'alpha'], env)).data.find((entry) => entry.id === id)?.is_active;
    await page.click(byTestId('key-back'));
    // The switch is controlled: it flips once the server has answered, so click, then wait for it.
    await page.click(byTestId(`key-toggle-${key.id}`));
    await page.locator(`${byTestId(`key-toggle-${key.id}`)}:not(:checked)`).waitFor();
    assert.equal(await activeOnServer(key.id), false);
    await page.click(byTestId(`key-toggle-${key.id}`));
    await page.locator(`${byTestId(`key-toggle-${key.id}`)}:checked`).waitFor();
    assert.equal(await activeOnServer(key.id), true);

    await page.fill(byTestId('create-key-name'), 'short-lived');
    await page.click(byTestId('create-key-button'));
    const doomed = page.locator('[data-testid^="key-row-"]', { hasText: 'short-lived' });
    await doomed.waitFor();
    const doomedId = (await doomed.getAttribute('data-testid'))!.replace('key-row-', '');
    await page.click(byTestId(`key-delete-${doomedId}`));
    await page.click(byTestId('confirm-cancel'));
    assert.equal(await activeOnServer(doomedId), true, 'cancel deletes nothing');
    await page.click(byTestId(`key-delete-${doomedId}`));
    await screenshot('delete-confirmation');
    await page.click(byTestId('confirm-ok'));
    await doomed.waitFor({ state: 'detached' });
    assert.equal(await activeOnServer(doomedId), undefined);
  });

  test('bytes sent through the key’s port show in its charts', async () => {
    server.exec(join(REPO, 'scripts/node24'), [join(REPO, 'e2e/support/move-bytes.ts'), String(key.port), '30000', '70000']);
    await page.click(`${byTestId(`key-row-${key.id}`)}`);
    const deadline = Date.now() + 60_000;
    let totals = '';
    while (Date.now() < deadline) {
      await page.click(byTestId('key-back'));
      await page.click(`${byTestId(`key-row-${key.id}`)}`);
      await page.locator(`${byTestId('chart-daily-wrapper')}[data-ready="true"]`).waitFor();
      totals = (await page.locator(byTestId('key-totals')).textContent()) ?? '';
      if (!/Lifetime: 0 B/.test(totals)) break;
      await page.waitForTimeout(2_000);
    }
    assert.doesNotMatch(totals, /Lifetime: 0 B/);
    assert.match(totals, /KB|MB/);
    const points = Number(await page.locator(byTestId('chart-daily-wrapper')).getAttribute('data-points'));
    assert.ok(points >= 1, `the daily chart has ${points} points`);
    await screenshot('key-traffic');

    await page.click(byTestId('key-back'));
    // "Today" of every key comes in one call, so the row shows the bytes without being scrolled to or opened.
    await page.locator(byTestId(`key-today-${key.id}`)).filter({ hasText: /KB|MB/ }).waitFor();
    await screenshot('keys-today');
    await page.click(byTestId('tab-traffic'));
    await page.locator(`${byTestId('chart-server-daily-wrapper')}[data-ready="true"]`).waitFor();
    await screenshot('traffic');
    await page.click(byTestId('tab-system'));
    await page.locator(`${byTestId('config-in-sync')}[data-in-sync="true"]`).waitFor();
    await page.locator(byTestId(`port-row-${key.port}`)).waitFor();
    await page.click(byTestId('system-sync'));
    await page.locator(byTestId('system-sync-result')).waitFor();
    await page.click(byTestId('system-verify-reality'));
    await page.locator(byTestId('reality-valid')).waitFor();
    assert.ok((await page.locator(byTestId('reality-check')).count()) > 0, 'Reality findings are listed');
    await screenshot('system');
    await page.click(byTestId('nav-fleet'));
    await page.locator(byTestId('fleet-view')).waitFor();
    await screenshot('fleet');
  });

  test('a password login is asked for in the page after a restart, and a wrong one is refused there', async () => {
    const password = 'web-e2e password';
    const user = server.addUser('nopasswd', { password });
    await page.click(byTestId('add-server-button'));
    await page.check(byTestId('add-server-mode-host'));
    await page.fill(byTestId('add-server-name'), 'alpha-pw');
    await page.fill(byTestId('add-server-host'), '127.0.0.1');
    await page.fill(byTestId('add-server-port'), String(server.sshPort));
    await page.fill(byTestId('add-server-user'), user);
    await page.selectOption(byTestId('add-server-auth'), 'password');
    await page.fill(byTestId('add-server-secret'), password);
    await page.click(byTestId('add-server-probe'));
    await page.click(byTestId('host-key-accept'));
    await page.locator(byTestId('add-server-added')).waitFor();
    await page.click(byTestId('add-server-done'));

    // Web mode has no keychain: the password lived in memory, so a restarted console must ask.
    await web.stop();
    web = await startWebConsoleProcess(env);
    await page.goto(web.url);
    const dialog = page.locator(byTestId('secret-dialog'));
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? '', new RegExp(`SSH password of ${user}@127\\.0\\.0\\.1`));
    await page.fill(byTestId('secret-input'), 'wrong');
    await page.click(byTestId('secret-submit'));
    await page.locator(byTestId('secret-error')).waitFor();
    await screenshot('secret-dialog');
    await page.fill(byTestId('secret-input'), password);
    await page.click(byTestId('secret-submit'));
    await dialog.waitFor({ state: 'detached' });
    await page.click(byTestId('server-link-alpha-pw'));
    await page.locator(`${byTestId('server-state')}[data-state="not-deployed"]`).first().waitFor();
  });

  test('with the server offline, its history still shows from the cache, saying since when', async () => {
    await server.stopSshd();
    await page.reload();
    await page.click(byTestId('server-link-alpha'));
    await page.click(byTestId('tab-keys'));
    await page.locator(byTestId('offline-banner')).first().waitFor({ timeout: 60_000 });
    await page.click(`${byTestId(`key-row-${key.id}`)}`);
    await page.locator(`${byTestId('chart-daily-wrapper')}[data-ready="true"]`).waitFor();
    const banner = (await page.locator(byTestId('offline-banner')).first().textContent()) ?? '';
    assert.match(banner, /offline/i);
    assert.match(banner, /\d{1,2}:\d{2}/, 'the banner tells since when');
    assert.doesNotMatch((await page.locator(byTestId('key-totals')).textContent()) ?? '', /Lifetime: 0 B/);
    await screenshot('offline-key');
    await page.click(byTestId('key-back'));
    await page.click(byTestId('tab-traffic'));
    await page.locator(`${byTestId('chart-server-daily-wrapper')}[data-ready="true"]`).waitFor();
    await screenshot('offline-traffic');
  });

  test('a reinstalled server is red with both fingerprints, and its new key is trusted from the window after checking it', async () => {
    const accepted = server.hostKeyFingerprint;
    server.replaceHostKey();
    server.startSshd();
    await page.click(byTestId('nav-fleet'));
    await page.reload();
    const row = page.locator(byTestId('fleet-row-alpha'));
    await row.locator(`${byTestId('server-state')}[data-state="host-key-changed"]`).waitFor({ timeout: 60_000 });
    assert.equal(await row.locator(byTestId('host-key-accepted')).textContent(), accepted);
    assert.equal(await row.locator(byTestId('host-key-presented')).textContent(), server.hostKeyFingerprint);
    await screenshot('host-key-changed');
    await row.locator(byTestId('trust-host-key-button')).click();
    assert.equal(await page.locator(byTestId('trust-host-key-fingerprint')).textContent(), server.hostKeyFingerprint);
    await screenshot('host-key-trust-confirm');
    await page.click(byTestId('confirm-ok'));
    await row.locator(`${byTestId('server-state')}[data-state="online"]`).waitFor({ timeout: 60_000 });
    assert.equal(await row.locator(byTestId('host-key-changed')).count(), 0);

    // The other record of the same server is still red; its own view trusts it too.
    await page.click(byTestId('server-link-alpha-pw'));
    const view = page.locator(byTestId('server-view'));
    await view.locator(byTestId('host-key-changed')).waitFor();
    await screenshot('host-key-changed-server');
    await view.locator(byTestId('trust-host-key-button')).click();
    await page.click(byTestId('confirm-ok'));
    await view.locator(`${byTestId('server-state')}[data-state="not-deployed"]`).first().waitFor();
    const servers = await keyportJson<{ name: string; hostKeyFingerprint: string }[]>(['server', 'list'], env);
    assert.deepEqual(servers.map((entry) => entry.hostKeyFingerprint), [server.hostKeyFingerprint, server.hostKeyFingerprint]);
  });
});
