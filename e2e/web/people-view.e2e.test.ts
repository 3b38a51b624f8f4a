import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { buildAgentAndWindow } from '../support/build-for-tests.ts';
import { decodeQrPng } from '../support/decode-qr.ts';
import { addAndDeploy, keyportJson } from '../support/keyport-cli.ts';
import { scratchHome, type ScratchHome } from '../support/scratch-home.ts';
import { getInside } from '../support/inside-server.ts';
import { decodedLinks } from '../support/subscription-body.ts';
import { byTestId, openWebConsole, type WebConsoleSession } from '../support/web-console-session.ts';

/** Where the test servers' subscription listeners listen, inside each one's namespace. */
const SUBSCRIPTION_PORT = 8443;

interface PersonJson {
  uuid: string;
  name: string;
  keys: { server: string; key: { id: string; uuid: string; is_active: boolean; data_limit_bytes: number | null; data_limit_reset: string } }[];
  subscriptionUrl: string | null;
  subscriptionUrls: { server: string; url: string }[];
}

/**
 * The window's People view in Chromium (web mode) against two test servers with subscriptions on:
 * a person added on both from the form, their subscription link and QR code (the link lists both
 * servers' keys), a new link (the old answers 404), a server taken away, a move from alpha to beta,
 * and the person removed; an offline server cannot be picked, and says why.
 */
describe('web console: People', { timeout: 600_000 }, () => {
  let alpha: TestServer;
  let beta: TestServer;
  let home: ScratchHome;
  let session: WebConsoleSession;
  let page: Page;
  let anna: PersonJson;

  const servers = () => ({ alpha, beta });
  const listed = async () => (await keyportJson<{ people: PersonJson[] }>(['people', 'list'], home.env)).people;
  /** Anna as the CLI lists her now. */
  const reread = async () => (anna = (await listed())[0]!);
  const shownLink = async () => (await page.locator(byTestId('person-subscription-link')).textContent())?.trim() ?? '';
  const shownQr = async () => decodeQrPng(await page.locator(byTestId('person-qr')).screenshot()).text;
  /** What each of the person's subscription links answers, fetched inside its own server. */
  const answers = (links: PersonJson['subscriptionUrls']) => links.map(({ server, url }) => ({ server, ...getInside(servers()[server as 'alpha' | 'beta'], url) }));

  before(async () => {
    buildAgentAndWindow();
    alpha = await TestServer.create(await freePort());
    beta = await TestServer.create(await freePort());
    home = scratchHome('keyport-web-people-');
    for (const [name, server] of Object.entries(servers())) {
      await addAndDeploy(home.env, name, server, { subscriptionsPort: SUBSCRIPTION_PORT });
    }
    session = await openWebConsole(home.env);
    page = session.page;
  });

  after(async () => {
    await session?.close();
    await alpha?.destroy();
    await beta?.destroy();
    home?.remove();
  });

  test('a person added on both servers from the form is listed with both and their limits, under one uuid', async () => {
    await page.goto(session.web.url);
    await page.click(byTestId('nav-people'));
    await page.locator(byTestId('people-view')).waitFor();
    await page.fill(byTestId('add-person-name'), 'Анна 📱');
    await page.check(byTestId('add-person-server-alpha'));
    await page.check(byTestId('add-person-server-beta'));
    await page.fill(byTestId('add-person-quota'), '5 GB');
    await page.selectOption(byTestId('add-person-reset'), 'month');
    await page.click(byTestId('add-person-button'));
    await page.locator(byTestId('people-table')).getByText('Анна 📱').waitFor();
    assert.equal(await page.locator(byTestId('add-person-failures')).count(), 0);
    const people = await listed();
    assert.equal(people.length, 1);
    anna = people[0]!;
    assert.deepEqual(anna.keys.map((entry) => [entry.server, entry.key.uuid, entry.key.data_limit_bytes, entry.key.data_limit_reset]), [
      ['alpha', anna.uuid, 5 * 1024 ** 3, 'month'],
      ['beta', anna.uuid, 5 * 1024 ** 3, 'month'],
    ]);
    const row = page.locator(byTestId(`person-row-${anna.uuid}`));
    assert.match((await row.textContent()) ?? '', /Анна 📱alpha, betaActive5\.00 GiB a month/);
    await session.screenshot('people');
  });

  test('their page shows one subscription link and its QR code, and the link lists their key on both servers', async () => {
    await page.locator(byTestId(`person-row-${anna.uuid}`)).locator(byTestId('person-open')).click();
    await page.locator(byTestId('person-view')).waitFor();
    const link = await shownLink();
    assert.equal(link, anna.subscriptionUrl);
    assert.match(link, new RegExp(`^http://127\\.0\\.0\\.1:${SUBSCRIPTION_PORT}/sub/`));
    assert.equal(await shownQr(), link);
    assert.equal(anna.subscriptionUrls.length, 2);
    const detail = await keyportJson<{ links: { server: string; vlessUrl: string }[] }>(['people', 'show', anna.uuid], home.env);
    for (const answer of answers(anna.subscriptionUrls)) {
      assert.equal(answer.status, 200, `${answer.server}'s subscription answers`);
      const lines = decodedLinks(answer.body).sort();
      assert.deepEqual(lines, detail.links.map((entry) => entry.vlessUrl).sort(), `${answer.server}'s subscription lists both keys`);
    }
    assert.match((await page.locator(byTestId('person-key-beta')).locator(byTestId('person-key-quota')).textContent()) ?? '', /^0 B of 5\.00 GiB a month$/);
    await session.screenshot('person');
  });

  test('a new link: the old ones answer 404 at once, the new one lists both keys, and the QR code follows', async () => {
    const old = anna.subscriptionUrls;
    await page.click(byTestId('person-rotate'));
    await page.click(byTestId('confirm-ok'));
    await page.locator(byTestId('confirm-dialog')).waitFor({ state: 'detached' });
    await page.waitForFunction(([id, before]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() !== before, ['person-subscription-link', anna.subscriptionUrl]);
    assert.equal(await page.locator(byTestId('person-rotate-failures')).count(), 0);
    await reread();
    assert.equal(await shownLink(), anna.subscriptionUrl);
    assert.equal(await shownQr(), anna.subscriptionUrl);
    assert.deepEqual(answers(old).map((answer) => [answer.server, answer.status]), [['alpha', 404], ['beta', 404]]);
    assert.deepEqual(answers(anna.subscriptionUrls).map((answer) => [answer.server, answer.status]), [['alpha', 200], ['beta', 200]]);
    assert.ok(anna.subscriptionUrls.every((entry) => !old.some((before) => before.url === entry.url)), 'every link is new');
  });

  test('taken off beta, then moved from alpha to beta and disabled on alpha: a summary says who moved', async () => {
    await page.locator(byTestId('person-key-beta')).locator(byTestId('person-key-remove')).click();
    assert.match((await page.locator(byTestId('confirm-dialog')).textContent()) ?? '', /Their key “Анна 📱” on beta is deleted with its traffic history there/);
    await page.click(byTestId('confirm-ok'));
    await page.locator(byTestId('person-key-beta')).waitFor({ state: 'detached' });
    await reread();
    assert.deepEqual(anna.keys.map((entry) => entry.server), ['alpha']);

    await page.click(byTestId('person-back'));
    await page.click(byTestId('people-move'));
    const dialog = page.locator(byTestId('move-dialog'));
    await dialog.waitFor();
    await page.selectOption(byTestId('move-from'), { label: 'alpha' });
    await page.selectOption(byTestId('move-to'), { label: 'beta' });
    await page.check(byTestId('move-some'));
    await page.check(byTestId(`move-person-${anna.uuid}`));
    await page.check(byTestId('move-disable-now'));
    assert.equal((await page.locator(byTestId('move-start')).textContent())?.trim(), 'Move 1 person to beta');
    await page.click(byTestId('move-start'));
    const summary = page.locator(byTestId('move-summary'));
    await summary.waitFor({ timeout: 60_000 });
    assert.equal(await summary.getAttribute('data-moved'), '1');
    assert.equal(await summary.getAttribute('data-not-moved'), '0');
    assert.match((await page.locator(byTestId('move-moved')).textContent()) ?? '', /Анна 📱: a key was made on beta/);
    assert.equal(await page.locator(byTestId('move-failures')).count(), 0);
    await session.screenshot('people-moved');
    await page.click(byTestId('move-close'));

    await reread();
    assert.deepEqual(anna.keys.map((entry) => [entry.server, entry.key.uuid, entry.key.is_active, entry.key.data_limit_bytes, entry.key.data_limit_reset]), [
      ['alpha', anna.uuid, false, 5 * 1024 ** 3, 'month'],
      ['beta', anna.uuid, true, 5 * 1024 ** 3, 'month'],
    ]);
    const row = page.locator(byTestId(`person-row-${anna.uuid}`));
    await row.getByText('Disabled on alpha').waitFor();
  });

  test('removing them says first what is deleted, then deletes their key on both servers', async () => {
    await page.locator(byTestId(`person-row-${anna.uuid}`)).locator(byTestId('person-open')).click();
    await page.click(byTestId('person-remove'));
    const deleted = (await page.locator(byTestId('remove-person-deleted')).textContent()) ?? '';
    assert.match(deleted, /on alpha: their key “Анна 📱”, its traffic history there/);
    assert.match(deleted, /on beta: their key “Анна 📱”/);
    assert.equal(await page.locator(byTestId('remove-person-kept')).count(), 0);
    await page.click(byTestId('confirm-ok'));
    await page.locator(byTestId('people-view')).waitFor();
    assert.match((await page.locator(byTestId('people-removed')).textContent()) ?? '', /Removed Анна 📱 from every server/);
    assert.deepEqual(await listed(), []);
  });

  test('an offline server cannot be chosen for a new person, and says why', async () => {
    await beta.stopSshd();
    await page.click(byTestId('people-refresh'));
    const why = page.locator(byTestId('add-person-unreachable-beta'));
    await why.waitFor({ timeout: 60_000 });
    assert.match((await why.textContent()) ?? '', /beta is offline/);
    assert.equal(await page.locator(byTestId('add-person-server-beta')).isDisabled(), true);
    assert.equal(await page.locator(byTestId('add-person-server-alpha')).isDisabled(), false);
    await session.screenshot('people-offline');
  });
});
