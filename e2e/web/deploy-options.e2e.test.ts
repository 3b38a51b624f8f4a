import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { ARTIFACTS_DIR, launchChromium } from '../support/chromium.ts';
import { findEnglishText } from '../support/english-text.ts';
import { keyport, keyportJson } from '../support/keyport-cli.ts';
import { startWebConsoleProcess, type RunningWebConsole } from '../support/web-console-process.ts';

const REPO = resolve(import.meta.dirname, '../..');
const byTestId = (id: string) => `[data-testid="${id}"]`;

/**
 * The window's "Deploy options…" in Chromium (web mode) against a test server: subscriptions asked
 * for with a certificate whose key is another's are refused in the deploy log, and with the right
 * key the redeploy serves them over HTTPS, as the CLI then sees in a key's subscription_url. Then
 * the server's Redeploy button, which is no primary button and asks first, and the add-server
 * dialog's alias field, which offers the hosts of ~/.ssh/config and names an alias it lacks.
 */
describe('web console: deploy options', { timeout: 600_000 }, () => {
  let server: TestServer;
  let scratch: string;
  let env: Record<string, string>;
  let web: RunningWebConsole;
  let browser: Browser;
  let page: Page;
  const files = { cert: '', key: '', otherKey: '' };

  const deployWithOptions = async (port: string, cert: string, key: string) => {
    await page.click(byTestId('deploy-options-button'));
    const dialog = page.locator(byTestId('deploy-options-dialog'));
    await dialog.waitFor();
    await dialog.locator(byTestId('deploy-subscriptions-enabled')).check();
    await dialog.locator(byTestId('deploy-subscriptions-port')).fill(port);
    await dialog.locator(byTestId('deploy-subscriptions-cert')).fill(cert);
    await dialog.locator(byTestId('deploy-subscriptions-key')).fill(key);
    await dialog.locator(byTestId('deploy-options-go')).click();
    await page.locator(`${byTestId('deploy-log')}:not([data-outcome="running"])`).waitFor({ timeout: 120_000 });
    return page.locator(byTestId('deploy-log'));
  };

  before(async () => {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
    execFileSync(join(REPO, 'node_modules/.bin/electron-vite'), ['build'], { cwd: REPO, stdio: 'ignore' });
    server = await TestServer.create(await freePort());
    scratch = mkdtempSync(join(tmpdir(), 'keyport-web-deploy-options-'));
    env = { HOME: scratch, KEYPORT_HOME: join(scratch, 'keyport'), SSH_AUTH_SOCK: '' };
    mkdirSync(join(scratch, '.ssh'), { mode: 0o700 });
    writeFileSync(join(scratch, '.ssh', 'config'), 'Host alpha-vps alpha-backup\n  HostName 127.0.0.1\nHost *.corp.example !db.corp.example\n  User admin\nHost *\n  ServerAliveInterval 30\n', { mode: 0o600 });
    Object.assign(files, { cert: join(scratch, 'sub.crt'), key: join(scratch, 'sub.key'), otherKey: join(scratch, 'other.key') });
    const openssl = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=keyport-web'];
    execFileSync('openssl', [...openssl, '-keyout', files.key, '-out', files.cert, '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    execFileSync('openssl', [...openssl, '-keyout', files.otherKey, '-out', join(scratch, 'other.crt')], { stdio: 'ignore' });
    const added = await keyport(['server', 'add', 'alpha', '--host', '127.0.0.1', '--port', String(server.sshPort), '--key', server.clientKeyPath, '--accept-host-key', server.hostKeyFingerprint], env);
    assert.equal(added.code, 0, added.stderr);
    const deployed = await keyport(['server', 'deploy', 'alpha'], env);
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
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

  test('a key that is not the certificate’s is refused in the log; the right one serves subscriptions over HTTPS', async () => {
    await page.goto(web.url);
    await page.click(`${byTestId('fleet-row-alpha')} ${byTestId('fleet-open-server')}`);
    await page.locator(byTestId('server-view')).waitFor();

    const refused = await deployWithOptions('8443', files.cert, files.otherKey);
    assert.equal(await refused.getAttribute('data-outcome'), 'failed');
    assert.match((await refused.locator(byTestId('deploy-error')).textContent()) ?? '', /is not the key of the certificate/);
    assert.equal(await refused.locator('[data-step="connect"]').count(), 0, 'refused before connecting to the server');

    const served = await deployWithOptions('8443', files.cert, files.key);
    assert.equal(await served.getAttribute('data-outcome'), 'done', (await served.textContent()) ?? '');
    assert.match((await served.locator('[data-step="subscriptions"]').textContent()) ?? '', /HTTPS on port 8443 \(https:\/\/127\.0\.0\.1:8443\/sub\/TOKEN\): certificate CN=keyport-web/);
    assert.match((await served.locator(byTestId('deploy-result')).textContent()) ?? '', /Subscription links: https:\/\/127\.0\.0\.1:8443\/sub\/… over HTTPS/);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'web-deploy-options.png'), fullPage: true });

    const key = await keyportJson<{ subscription_url: string | null }>(['keys', 'create', 'alpha', 'alice'], env);
    assert.match(key.subscription_url ?? '', /^https:\/\/127\.0\.0\.1:8443\/sub\//);

    // Opened again, the dialog shows what the server has: on, at its port, the certificate kept.
    await page.click(byTestId('deploy-options-button'));
    const dialog = page.locator(byTestId('deploy-options-dialog'));
    assert.equal(await dialog.locator(byTestId('deploy-subscriptions-enabled')).isChecked(), true);
    assert.equal(await dialog.locator(byTestId('deploy-subscriptions-port')).inputValue(), '8443');
    assert.match((await dialog.locator(byTestId('deploy-subscriptions-note')).textContent()) ?? '', /the certificate on the server is kept \(CN=keyport-web/);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'web-deploy-options-dialog.png') });
  });

  test('Redeploy is a plain button that says what a redeploy does and asks first; Cancel deploys nothing, confirming does', async () => {
    await page.locator(byTestId('deploy-options-dialog-close')).click();
    await page.click(byTestId('deploy-log-close'));
    await page.locator(byTestId('deploy-log')).waitFor({ state: 'detached' });
    const button = page.locator(`${byTestId('server-view')} ${byTestId('deploy-button')}`);
    assert.equal(await button.getAttribute('data-deploy'), 'redeploy');
    assert.equal((await button.textContent())?.trim(), 'Redeploy');
    assert.doesNotMatch((await button.getAttribute('class')) ?? '', /primary/);
    await button.click();
    const confirm = page.locator(byTestId('confirm-dialog'));
    await confirm.waitFor();
    assert.match((await confirm.textContent()) ?? '', /Redeploy the agent on alpha\?.*restarts the agent there\. Keys, their links and the traffic history are kept, and Xray keeps serving/);
    await confirm.locator(byTestId('confirm-cancel')).click();
    await confirm.waitFor({ state: 'detached' });
    assert.equal(await page.locator(byTestId('deploy-log')).count(), 0, 'a cancelled redeploy starts nothing');
    await button.click();
    await confirm.locator(byTestId('confirm-ok')).click();
    await page.locator(`${byTestId('deploy-log')}[data-outcome="done"]`).waitFor({ timeout: 120_000 });
  });

  test('in Russian the deploy log is Russian: each step in its words, with the facts (paths, versions) apart as given', async () => {
    const log = page.locator(byTestId('deploy-log'));
    const englishHealth = (await log.locator('[data-step="health-check"] .step-message').textContent()) ?? '';
    assert.equal(englishHealth, 'the agent answers');
    await page.selectOption(byTestId('language-switch'), 'ru');
    await page.waitForFunction(() => document.documentElement.lang === 'ru');
    // The log already shown is worded again: it holds what each step did, not its English.
    assert.equal(await log.locator('[data-step="health-check"] .step-message').textContent(), 'агент отвечает');
    assert.match((await log.locator('[data-step="subscriptions"] .step-message').textContent()) ?? '', /^HTTPS на порту 8443 \(https:\/\/127\.0\.0\.1:8443\/sub\/TOKEN\) с сертификатом, который уже на сервере/);
    const facts = await log.locator('[data-step="upload-agent"] .step-fact[translate="no"]').allTextContents();
    assert.equal(facts.length, 1, 'the release directory is the one fact of the agent upload');
    assert.match(facts[0]!, /^\/opt\/keyport\/releases\//);
    assert.deepEqual(await findEnglishText(page, { names: ['alpha', 'alice', 'keyport-web'] }), []);
    await page.selectOption(byTestId('language-switch'), 'en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
  });

  test('the add-server alias field offers the Host names of ~/.ssh/config, and an alias it lacks says "no Host X"', async () => {
    await page.click(byTestId('add-server-button'));
    await page.check(byTestId('add-server-mode-alias'));
    const options = page.locator(`${byTestId('add-server-ssh-hosts')} option`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="add-server-ssh-hosts"] option').length > 0);
    assert.deepEqual(await options.evaluateAll((found) => found.map((option) => (option as HTMLOptionElement).value)), ['alpha-vps', 'alpha-backup']);
    assert.equal(await page.locator(byTestId('add-server-alias')).getAttribute('list'), 'add-server-ssh-hosts');
    await page.fill(byTestId('add-server-alias'), 'alpha-vsp');
    await page.click(byTestId('add-server-probe'));
    const error = page.locator(byTestId('add-server-error'));
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /^no Host alpha-vsp in ~\/\.ssh\/config\. Check the alias \(the field offers the hosts found there\)/);
    await page.locator(byTestId('add-server-dialog-close')).click();
  });
});
