import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { buildAgentAndWindow } from '../support/build-for-tests.ts';
import { agentGet } from '../support/inside-server.ts';
import { addAndDeploy, keyport, keyportJson } from '../support/keyport-cli.ts';
import { scratchHome, type ScratchHome } from '../support/scratch-home.ts';
import { byTestId, openWebConsole, type WebConsoleSession } from '../support/web-console-session.ts';

const SUB_PORT = 8443;
const PUBLIC_NAME = 'vpn.keyport-web.test';

/**
 * The System tab's "Link settings" in Chromium (web mode) against a test server: the warning shown
 * before anything is sent, a bad host said in the dialog, a new link host confirmed and followed by
 * the key's link and subscription URL, and a key port range that leaves out a key refused with
 * nothing changed.
 */
describe('web console: link settings', { timeout: 600_000 }, () => {
  let server: TestServer;
  let home: ScratchHome;
  let session: WebConsoleSession;
  let page: Page;
  let keyId: string;

  const settings = () => agentGet(server, '/api/system/settings').data.settings;
  const text = async (testId: string) => ((await page.locator(byTestId(testId)).textContent()) ?? '').trim();
  /** Opens the dialog, fills the fields given, and asks to review the change. */
  const review = async (fields: Record<string, string>) => {
    await page.click(byTestId('link-settings-open'));
    await page.locator(byTestId('link-settings-dialog')).waitFor();
    for (const [testId, value] of Object.entries(fields)) await page.fill(byTestId(testId), value);
    await page.click(byTestId('link-settings-review'));
  };

  before(async () => {
    buildAgentAndWindow();
    server = await TestServer.create(await freePort());
    home = scratchHome('keyport-web-link-settings-');
    await addAndDeploy(home.env, 'alpha', server, { subscriptionsPort: SUB_PORT });
    keyId = (await keyportJson<{ id: string }>(['keys', 'create', 'alpha', 'alice'], home.env)).id;
    session = await openWebConsole(home.env);
    page = session.page;
  });

  after(async () => {
    await session?.close();
    await server?.destroy();
    home?.remove();
  });

  test('the panel shows the SSH host; the dialog warns that links change and refuses a bad host with nothing sent', async () => {
    await page.goto(session.web.url);
    await page.click(`${byTestId('fleet-row-alpha')} ${byTestId('fleet-open-server')}`);
    await page.click(byTestId('tab-system'));
    await page.locator(byTestId('link-settings-panel')).waitFor();
    assert.equal(await text('link-settings-host'), '127.0.0.1 (the SSH host)');
    assert.equal(await text('link-settings-key-ports'), '10001-29999');
    const before = settings();

    await review({ 'link-host-input': 'not a host' });
    assert.match(await text('link-settings-warning'), /changes every key’s link and QR code on this server/);
    assert.match(await text('link-settings-problem'), /must be a host name/);
    await page.click(byTestId('link-settings-cancel'));
    assert.deepEqual(settings(), before);
  });

  test('a new link host is said back with the warning, and once confirmed the key’s link and subscription name it', async () => {
    await review({ 'link-host-input': PUBLIC_NAME });
    const confirm = page.locator(byTestId('link-settings-confirm'));
    await confirm.waitFor();
    assert.match(await text('link-settings-changes'), new RegExp(`Host in links: 127\\.0\\.0\\.1 \\(the SSH host\\) → ${PUBLIC_NAME.replaceAll('.', '\\.')}`));
    assert.match(await text('link-settings-confirm-warning'), /Every key’s link and QR code changes/);
    await session.screenshot('link-settings-confirm');
    await page.click(byTestId('link-settings-confirm-ok'));
    await confirm.waitFor({ state: 'detached' });
    await page.locator(byTestId('link-settings-host')).filter({ hasText: PUBLIC_NAME }).waitFor();
    assert.match(await text('link-settings-done'), /Changed: Host in links/);

    const config = await keyportJson<{ data: { vless_url: string; key: { subscription_url: string } } }>(['keys', 'config', 'alpha', keyId], home.env);
    assert.equal(new URL(config.data.vless_url).hostname, PUBLIC_NAME);
    assert.match(config.data.key.subscription_url, new RegExp(`^http://${PUBLIC_NAME.replaceAll('.', '\\.')}:${SUB_PORT}/sub/`));
  });

  test('a key port range that leaves out the key is refused in the dialog, and nothing changes', async () => {
    const before = settings();
    await review({ 'link-host-input': 'other.keyport-web.test', 'link-key-ports-from-input': '20001', 'link-key-ports-to-input': '20999' });
    await page.locator(byTestId('link-settings-confirm')).waitFor();
    await page.click(byTestId('link-settings-confirm-ok'));
    await page.locator(byTestId('link-settings-error')).waitFor();
    const port = agentGet(server, `/api/keys/${keyId}`).port as number;
    assert.equal(await text('link-settings-error'), `1 key has a port outside 20001-20999 (keys use ${port}-${port}): choose a range that holds them; nothing was changed`);
    await session.screenshot('link-settings-refused');
    assert.deepEqual(settings(), before);
    assert.deepEqual(agentGet(server, '/api/system/ports').data.range, { from: 10001, to: 29999 });
    await page.click(byTestId('link-settings-confirm-close'));
    assert.equal(await text('link-settings-host'), PUBLIC_NAME);
  });

  test('with HTTPS subscriptions, a link host the certificate does not name is warned about once the change is made', async () => {
    const cert = join(home.dir, 'sub.crt');
    const key = join(home.dir, 'sub.key');
    const openssl = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${PUBLIC_NAME}`];
    execFileSync('openssl', [...openssl, '-keyout', key, '-out', cert, '-addext', `subjectAltName=DNS:${PUBLIC_NAME}`], { stdio: 'ignore' });
    const deployed = await keyport(['server', 'deploy', 'alpha', '--subscriptions', String(SUB_PORT), '--subscription-tls-cert', cert, '--subscription-tls-key', key], home.env);
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);

    await review({ 'link-host-input': 'other.keyport-web.test' });
    await page.click(byTestId('link-settings-confirm-ok'));
    await page.locator(byTestId('link-settings-host')).filter({ hasText: 'other.keyport-web.test' }).waitFor();
    assert.match(await text('link-settings-certificate-warning'), new RegExp(`^The subscription certificate \\(CN=${PUBLIC_NAME.replaceAll('.', '\\.')}\\) does not name other\\.keyport-web\\.test: apps refuse`));

    await review({ 'link-host-input': PUBLIC_NAME });
    await page.click(byTestId('link-settings-confirm-ok'));
    await page.locator(byTestId('link-settings-host')).filter({ hasText: PUBLIC_NAME }).waitFor();
    await page.locator(byTestId('link-settings-done')).waitFor();
    assert.equal(await page.locator(byTestId('link-settings-certificate-warning')).count(), 0, 'the certificate names this host');
  });
});
