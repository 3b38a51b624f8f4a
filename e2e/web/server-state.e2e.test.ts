import assert from 'node:assert/strict';
import { rmSync, symlinkSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { FAKE_XRAY } from '../../test-support/stand-in-xray.ts';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { buildAgentAndWindow } from '../support/build-for-tests.ts';
import { agentPost } from '../support/inside-server.ts';
import { addAndDeploy, keyportJson } from '../support/keyport-cli.ts';
import { scratchHome, type ScratchHome } from '../support/scratch-home.ts';
import { byTestId, openWebConsole, type WebConsoleSession } from '../support/web-console-session.ts';

/** The SSH link backs off up to 30 s between tries; the window tries again when each wait is over. */
const BACK_ONLINE_MS = 60_000;

/**
 * One server's state as every view of the window (web mode, in Chromium) shows it, against a test
 * server: Xray taken away, the server offline, then back, then presenting a new host key. The fleet
 * badge, the server's header and its keys tab say the same state; offline, its cause is said once
 * with a countdown that moves, changes are held back saying why, and once the server answers again
 * the message goes and the System tab shows what the server has now.
 */
describe('web console: one state per server in every view', { timeout: 600_000 }, () => {
  let server: TestServer;
  let home: ScratchHome;
  let session: WebConsoleSession;
  let page: Page;
  let anna: { id: string; port: number };
  let annaForward: { close(): Promise<void> } | undefined;

  const fleetState = () => page.locator(`${byTestId('fleet-row-alpha')} ${byTestId('server-state')}`).getAttribute('data-state');
  const headerState = () => page.locator(`.view-header ${byTestId('server-state')}`).getAttribute('data-state');
  const keysTabState = () => page.locator(byTestId('keys-tab')).getAttribute('data-server-state');
  const sidebarState = () => page.locator(`${byTestId('server-link-alpha')} .state-dot`).getAttribute('data-state');
  /**
   * Checks the fleet again and waits for alpha's row to show `expected`, then opens alpha's keys tab:
   * the states the row, the sidebar, the header and the keys tab show, for one deepEqual.
   */
  const statesShown = async (expected: string) => {
    await page.click(byTestId('nav-fleet'));
    await page.click(byTestId('fleet-refresh'));
    await page.locator(`${byTestId('fleet-row-alpha')} ${byTestId('server-state')}[data-state="${expected}"]`).waitFor({ timeout: 60_000 });
    const fleet = await fleetState();
    await page.click(byTestId('server-link-alpha'));
    await page.click(byTestId('tab-keys'));
    await page.locator(byTestId('keys-tab')).waitFor();
    return { fleet, header: await headerState(), keysTab: await keysTabState(), sidebar: await sidebarState() };
  };
  const sameEverywhere = (state: string) => ({ fleet: state, header: state, keysTab: state, sidebar: state });
  /** Visible elements whose own text says `text` (a message said twice counts twice, wherever it is). */
  const timesShown = (text: string) =>
    page.evaluate((needle) => {
      const elements = Array.from(document.querySelectorAll('body *')).filter((element) =>
        Array.from(element.childNodes).some((node) => node.nodeType === Node.TEXT_NODE && (node.textContent ?? '').includes(needle)),
      );
      return elements.filter((element) => (element as HTMLElement).offsetParent !== null).length;
    }, text);

  before(async () => {
    buildAgentAndWindow();
    server = await TestServer.create(await freePort());
    home = scratchHome('keyport-web-state-');
    await addAndDeploy(home.env, 'alpha', server);
    anna = await keyportJson<{ id: string; port: number }>(['keys', 'create', 'alpha', 'anna'], home.env);
    // Anna's link names 127.0.0.1: her port answers there as a provider's open firewall would, so alpha can be green.
    annaForward = await server.forwardPort(anna.port);
    session = await openWebConsole(home.env);
    page = session.page;
    await page.goto(session.web.url);
  });

  after(async () => {
    await session?.close();
    await annaForward?.close();
    await server?.destroy();
    home?.remove();
  });

  test('Xray taken away: the fleet badge, the sidebar, the server header and the keys tab all say "No Xray", and none is green', async () => {
    assert.deepEqual(await statesShown('online'), sameEverywhere('online'));
    assert.equal(await page.locator(byTestId(`key-status-${anna.id}`)).getAttribute('data-caveat'), null);

    rmSync(server.hostPath('/usr/local/bin/xray'));
    try {
      assert.deepEqual(await statesShown('xray-missing'), sameEverywhere('xray-missing'));
      assert.equal((await page.locator(`.view-header ${byTestId('server-state')}`).textContent())?.trim(), 'No Xray');
      // Anna is active, but her link cannot work: her status says so instead of a green "Active".
      const status = page.locator(byTestId(`key-status-${anna.id}`));
      assert.equal(await status.getAttribute('data-caveat'), 'true');
      assert.equal(await status.getAttribute('title'), 'Active, but its link does not work now: No Xray');
      await session.screenshot('state-no-xray-keys');
    } finally {
      symlinkSync(FAKE_XRAY, server.hostPath('/usr/local/bin/xray'));
    }
    assert.deepEqual(await statesShown('online'), sameEverywhere('online'));
  });

  test('offline: the cause is said once, its countdown moves, and create, disable and delete are held back saying why', async () => {
    // The System tab read once, so that offline it shows the cache, then the keys tab.
    await page.click(byTestId('tab-system'));
    await page.locator(byTestId(`port-row-${anna.port}`)).waitFor();
    await page.locator(`${byTestId('config-in-sync')}[data-in-sync="true"]`).waitFor();
    await page.click(byTestId('tab-keys'));
    await page.locator(byTestId(`key-row-${anna.id}`)).waitFor();

    await server.stopSshd();
    // No click: the keys tab's next live read meets the closed entrance, and every view turns at once.
    const notice = page.locator(byTestId('server-reason'));
    await notice.waitFor({ timeout: 30_000 });
    assert.equal(await headerState(), 'offline');
    assert.equal(await keysTabState(), 'offline');
    assert.match((await notice.textContent()) ?? '', /^Cannot reach root@127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    assert.equal(await sidebarState(), 'offline');

    // The link waits longer after each failed try (1 s, 2 s, 4 s…): once a wait is long enough to watch, it counts down.
    const retry = page.locator(byTestId('reach-retry'));
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="reach-retry"]')?.getAttribute('data-seconds')) >= 5, undefined, { timeout: 60_000 });
    const first = Number(await retry.getAttribute('data-seconds'));
    assert.match((await retry.textContent()) ?? '', new RegExp(`^Keyport tries again in ${first} s\\.$`));
    await page.waitForTimeout(2_100);
    const later = Number(await retry.getAttribute('data-seconds'));
    // Drawn each second, so a reading lags by up to one.
    assert.ok(later < first && later >= first - 3, `the countdown went from ${first} s to ${later} s in 2.1 s`);

    // Through a live refresh (every 5 s) and more, still once: not again as the live traffic's, the list's or the summary's failure.
    await page.waitForTimeout(6_000);
    assert.equal(await timesShown('ECONNREFUSED'), 1, 'the cause is shown once in the server view');
    assert.equal(await page.locator(byTestId('live-error')).count(), 0);
    assert.equal(await page.locator(byTestId('keys-error')).count(), 0);
    await page.locator(byTestId('offline-banner')).waitFor();
    await session.screenshot('state-offline-keys');

    // Changes need the server: held back, each saying why.
    const offlineWhy = /^alpha is offline: Cannot reach root@127\.0\.0\.1:\d+/;
    await page.fill(byTestId('create-key-name'), 'bob');
    for (const id of ['create-key-button', 'create-many-open', `key-delete-${anna.id}`, `key-toggle-${anna.id}`]) {
      const control = page.locator(byTestId(id));
      assert.equal(await control.isDisabled(), true, `${id} is disabled offline`);
      const title = id.startsWith('key-toggle-') ? await page.locator('label.switch', { has: control }).getAttribute('title') : await control.getAttribute('title');
      assert.match(title ?? '', offlineWhy, `${id} says why`);
    }
    assert.equal(await page.locator(byTestId(`key-status-${anna.id}`)).getAttribute('data-caveat'), 'true');
    await page.fill(byTestId('create-key-name'), '');

    await page.click(byTestId('nav-fleet'));
    const row = page.locator(byTestId('fleet-row-alpha'));
    await row.locator(`${byTestId('server-state')}[data-state="offline"]`).waitFor();
    assert.equal(await timesShown('ECONNREFUSED'), 1, 'the cause is shown once in the fleet');
    await row.locator(byTestId('fleet-reason')).waitFor();
    await page.click(byTestId('server-link-alpha'));
    await page.click(byTestId('tab-system'));
    await page.locator(byTestId('offline-banner')).waitFor();
    assert.equal(await page.locator(byTestId('system-sync')).isDisabled(), true);
    assert.match((await page.locator(byTestId('system-sync')).getAttribute('title')) ?? '', offlineWhy);
  });

  test('back online without a click: the message goes, changes are allowed again, and the System tab shows what the server has now', async () => {
    // Made while the console could not see: only a fresh read shows this key's port.
    const bob = agentPost(server, '/api/keys', { name: 'bob' }) as { id: string; port: number };
    assert.equal(await page.locator(byTestId(`port-row-${bob.port}`)).count(), 0);
    server.startSshd();
    await page.locator(byTestId('server-reason')).waitFor({ state: 'detached', timeout: BACK_ONLINE_MS });
    await page.locator(byTestId(`port-row-${bob.port}`)).waitFor();
    await page.locator(byTestId('offline-banner')).waitFor({ state: 'detached' });
    assert.notEqual(await headerState(), 'offline');
    assert.equal(await timesShown('ECONNREFUSED'), 0);
    assert.equal(await page.locator(byTestId('system-sync')).isDisabled(), false);
    await session.screenshot('state-back-system');

    await page.click(byTestId('tab-keys'));
    await page.locator(byTestId(`key-row-${bob.id}`)).waitFor();
    // Opened now, the tab reads what it shows afresh: what it held from the cache goes once each read is in.
    await page.locator(byTestId('offline-banner')).waitFor({ state: 'detached' });
    assert.equal(await page.locator(byTestId(`key-delete-${anna.id}`)).isDisabled(), false);
    assert.equal(await page.locator(byTestId('create-many-open')).isDisabled(), false);
  });

  test('a new host key: the fleet badge, the sidebar, the server header and the keys tab all say "Host key changed"', async () => {
    await server.stopSshd();
    server.replaceHostKey();
    server.startSshd();
    const changed = page.locator(`.view-header ${byTestId('server-state')}[data-state="host-key-changed"]`);
    await changed.waitFor({ timeout: BACK_ONLINE_MS });
    assert.deepEqual(await statesShown('host-key-changed'), sameEverywhere('host-key-changed'));
    assert.match((await page.locator(byTestId(`key-delete-${anna.id}`)).getAttribute('title')) ?? '', /^alpha presents a changed host key/);
    assert.equal(await page.locator(byTestId(`key-delete-${anna.id}`)).isDisabled(), true);
    await session.screenshot('state-host-key-changed-keys');
  });
});
