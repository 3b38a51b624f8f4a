import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { buildAgentAndWindow } from '../support/build-for-tests.ts';
import { addAndDeploy, keyport, keyportJson } from '../support/keyport-cli.ts';
import { scratchHome, type ScratchHome } from '../support/scratch-home.ts';
import { byTestId, openWebConsole, type WebConsoleSession } from '../support/web-console-session.ts';

interface KeyJson {
  id: string;
  name: string;
  port: number;
  is_active: boolean;
  status: string;
}

/**
 * A key's own page in Chromium (web mode) against a test server: deleted from there, it leaves no
 * note on the keys tab leading to it; a key deleted elsewhere says so once, with the way back;
 * disabled, enabled and renamed there, the table and the server agree; a key that does not connect
 * has its link and QR code marked so, in words, and no print sheet.
 */
describe('web console: a key’s own page', { timeout: 600_000 }, () => {
  let server: TestServer;
  let home: ScratchHome;
  let session: WebConsoleSession;
  let page: Page;

  const onServer = async (id: string) => (await keyportJson<{ data: KeyJson[] }>(['keys', 'list', 'alpha'], home.env)).data.find((key) => key.id === id);
  /** Deleted behind the window's back, as the CLI or another console would. */
  const deleteElsewhere = async (id: string) => {
    const deleted = await keyport(['keys', 'delete', 'alpha', id, '--yes'], home.env);
    assert.equal(deleted.code, 0, deleted.stderr);
  };
  const openKeysTab = async () => {
    await page.click(byTestId('server-link-alpha'));
    await page.click(byTestId('tab-keys'));
    await page.locator(byTestId('keys-table')).waitFor();
  };
  /** Creates a key from the keys tab's form; answers its id, read from the note the form leaves. */
  const createInWindow = async (name: string) => {
    await page.fill(byTestId('create-key-name'), name);
    await page.click(byTestId('create-key-button'));
    const note = page.locator(byTestId('create-key-created'), { hasText: name });
    await note.waitFor();
    return (await note.getAttribute('data-key-id'))!;
  };
  const row = (id: string) => page.locator(byTestId(`key-row-${id}`));
  const alerts = () => page.locator(`${byTestId('key-view')} [role="alert"]`);

  before(async () => {
    buildAgentAndWindow();
    server = await TestServer.create(await freePort());
    home = scratchHome('keyport-web-key-page-');
    await addAndDeploy(home.env, 'alpha', server);
    session = await openWebConsole(home.env);
    page = session.page;
    await page.goto(session.web.url);
    await openKeysTab();
  });

  after(async () => {
    await session?.close();
    await server?.destroy();
    home?.remove();
  });

  test('a key created on the keys tab and deleted from its own page (asked first) leads back to the tab, with no note of it left', async () => {
    const id = await createInWindow('gone-soon');
    await page.click(byTestId('create-key-open'));
    await page.locator(`${byTestId('key-view')}[data-key-id="${id}"]`).waitFor();
    await page.click(byTestId('key-view-delete'));
    const dialog = page.locator(byTestId('confirm-dialog'));
    assert.match((await dialog.textContent()) ?? '', /Delete gone-soon\?/);
    await page.click(byTestId('confirm-cancel'));
    assert.equal((await onServer(id))?.name, 'gone-soon', 'cancelled: nothing deleted');
    await page.click(byTestId('key-view-delete'));
    await page.click(byTestId('confirm-ok'));
    await page.locator(byTestId('keys-table')).waitFor();
    await row(id).waitFor({ state: 'detached' });
    assert.equal(await page.locator(byTestId('create-key-created')).count(), 0, 'no "Created … open its link" note');
    assert.equal(await page.locator(byTestId('create-key-open')).count(), 0);
    assert.equal(await onServer(id), undefined);
  });

  test('a key deleted from the table takes the note of its creation, and its link, with it', async () => {
    const id = await createInWindow('short-lived');
    await page.click(byTestId(`key-delete-${id}`));
    await page.click(byTestId('confirm-ok'));
    await row(id).waitFor({ state: 'detached' });
    assert.equal(await page.locator(byTestId('create-key-created')).count(), 0, 'the note would open a page of nothing');
    // Nor does the warning that the new key's link will not work yet (its port is not reachable from here) name it.
    assert.doesNotMatch((await page.locator(byTestId('tab-panel-keys')).textContent()) ?? '', /short-lived/);
    assert.equal(await onServer(id), undefined);
  });

  test('a key deleted elsewhere, opened from a table that still lists it, says so once and leads back to the keys', async () => {
    const id = await createInWindow('deleted-elsewhere');
    await deleteElsewhere(id);
    // The table was listed before the delete: the row is still there to click.
    await row(id).click();
    const gone = page.locator(byTestId('key-gone'));
    await gone.waitFor();
    assert.equal(await gone.count(), 1);
    assert.equal(
      await page.locator(byTestId('key-gone-text')).textContent(),
      `alpha no longer has the key “deleted-elsewhere” (id ${id}): it was deleted, here or elsewhere (the CLI, another console).`,
    );
    // Said once: no failed reads of its link or history beside it, nothing to act on but the way back.
    await page.waitForTimeout(1_000);
    assert.equal(await alerts().count(), 0, (await alerts().allTextContents()).join(' | '));
    for (const part of ['key-link', 'key-qr', 'key-view-toggle', 'key-view-delete', 'key-rename', 'offline-banner']) {
      assert.equal(await page.locator(byTestId(part)).count(), 0, `${part} is not shown`);
    }
    await session.screenshot('key-gone');
    await page.click(byTestId('key-gone-back'));
    await page.locator(byTestId('keys-table')).waitFor();
    assert.equal(await row(id).count(), 0, 'the gone key is no longer listed');
  });

  test('a key deleted while its page is open: the next change there says it is gone, once', async () => {
    const id = await createInWindow('deleted-while-open');
    await row(id).click();
    await page.locator(byTestId('key-link')).waitFor();
    await deleteElsewhere(id);
    await page.click(byTestId('key-view-toggle'));
    await page.locator(byTestId('key-gone')).waitFor();
    assert.equal(await alerts().count(), 0);
    assert.equal(await page.locator(byTestId('key-gone-back')).textContent(), 'Back to the keys of alpha');
    await page.click(byTestId('key-gone-back'));
    await page.locator(byTestId('keys-table')).waitFor();
    assert.equal(await row(id).count(), 0);
  });

  test('disabled from its page: link and QR code marked as not connecting (in words, struck, the code unreadable), no print sheet; enabled again, all back; table and server agree', async () => {
    const id = await createInWindow('phone-olga');
    await row(id).click();
    const link = page.locator(byTestId('key-link'));
    const frame = page.locator(byTestId('key-qr-frame'));
    await page.locator(byTestId('key-qr')).waitFor();
    assert.equal(await link.getAttribute('data-out-of-service'), 'false');
    assert.equal(await frame.getAttribute('data-out-of-service'), 'false');
    assert.equal(await page.locator(byTestId('key-print')).isEnabled(), true);

    await page.click(byTestId('key-view-toggle'));
    await page.locator(byTestId('key-link-out-of-service')).waitFor();
    assert.equal(await page.locator(byTestId('key-link-out-of-service')).textContent(), 'Disabled: this link does not connect');
    assert.equal(await page.locator(byTestId('key-qr-out-of-service')).textContent(), 'Disabled: this code does not connect');
    assert.equal(await link.getAttribute('data-out-of-service'), 'true');
    assert.equal(await link.getAttribute('aria-describedby'), 'key-link-out-of-service', 'the mark is read out with the link');
    assert.match(await link.evaluate((element) => getComputedStyle(element).textDecorationLine), /line-through/);
    const qrLook = await page.locator(byTestId('key-qr')).evaluate((image) => ({ filter: getComputedStyle(image).filter, opacity: Number(getComputedStyle(image).opacity) }));
    assert.match(qrLook.filter, /blur/);
    assert.ok(qrLook.opacity <= 0.3, `the code is faded (opacity ${qrLook.opacity})`);
    assert.equal(await page.locator(byTestId('key-qr')).getAttribute('alt'), 'QR code of phone-olga, which does not connect now');
    assert.equal(await page.locator(byTestId('key-print')).isDisabled(), true);
    assert.match((await page.locator(byTestId('key-print-refused')).textContent()) ?? '', /^No print sheet while the key does not connect/);
    assert.equal(await page.locator(`${byTestId('key-status-notice')}[data-status="disabled"]`).count(), 1);
    assert.equal(await page.locator(byTestId('key-view-status')).textContent(), 'Disabled');
    assert.deepEqual((({ is_active, status }) => ({ is_active, status }))((await onServer(id))!), { is_active: false, status: 'disabled' });
    await session.screenshot('key-disabled');

    await page.click(byTestId('key-back'));
    await page.locator(`${byTestId(`key-status-${id}`)}[data-status="disabled"]`).waitFor();
    await row(id).click();
    await page.click(byTestId('key-view-toggle'));
    await page.locator(byTestId('key-link-out-of-service')).waitFor({ state: 'detached' });
    assert.equal(await page.locator(byTestId('key-qr-out-of-service')).count(), 0);
    assert.equal(await link.getAttribute('data-out-of-service'), 'false');
    assert.equal(await page.locator(byTestId('key-print')).isEnabled(), true);
    assert.equal(await page.locator(byTestId('key-view-status')).textContent(), 'Active');
    assert.deepEqual((({ is_active, status }) => ({ is_active, status }))((await onServer(id))!), { is_active: true, status: 'active' });
    await page.click(byTestId('key-back'));
    await page.locator(`${byTestId(`key-status-${id}`)}[data-status="active"]`).waitFor();
  });

  test('renamed from its page: a name the agent would refuse is said inline before anything is sent; a good one shows in the table and on the server', async () => {
    const other = await createInWindow('tablet-ivan');
    const id = await createInWindow('phone-pyotr');
    await row(id).click();
    await page.click(byTestId('key-rename'));
    const error = page.locator(byTestId('key-rename-error'));
    const save = page.locator(byTestId('key-rename-save'));
    const refusals: [string, string][] = [
      ['TABLET-IVAN', 'Another key on this server is already named “tablet-ivan”. Names must differ in more than letter case: choose another one.'],
      ['phone\u200Bpyotr', 'The name holds U+200B, a control or invisible character.'],
      ['phone\u202Epyotr', 'The name holds U+202E, a character that reorders the text around it, so one name could pose as another.'],
      ['p'.repeat(101), 'A name has at most 100 characters; this one has 101.'],
      ['   ', 'A key needs a name.'],
    ];
    for (const [typed, words] of refusals) {
      await page.fill(byTestId('key-rename-name'), typed);
      assert.equal(await error.textContent(), words, JSON.stringify(typed));
      assert.equal(await save.isDisabled(), true, `${JSON.stringify(typed)} cannot be sent`);
      assert.equal(await page.locator(byTestId('key-rename-name')).getAttribute('aria-invalid'), 'true');
    }
    assert.equal((await onServer(id))?.name, 'phone-pyotr');
    assert.equal((await onServer(other))?.name, 'tablet-ivan');

    await page.fill(byTestId('key-rename-name'), 'Пётр 📱');
    assert.equal(await error.count(), 0);
    await save.click();
    await page.locator(byTestId('key-name'), { hasText: 'Пётр 📱' }).waitFor();
    await page.locator(byTestId('key-link'), { hasText: `#${encodeURIComponent('Пётр 📱')}` }).waitFor();
    assert.equal((await onServer(id))?.name, 'Пётр 📱');
    await page.click(byTestId('key-back'));
    await row(id).filter({ hasText: 'Пётр 📱' }).waitFor();
  });

  test('in Russian: the marks of a disabled key, a refused name and a gone key', async () => {
    await page.selectOption(byTestId('language-switch'), 'ru');
    await page.waitForFunction(() => document.documentElement.lang === 'ru');
    const id = await createInWindow('планшет-маши');
    await row(id).click();
    await page.click(byTestId('key-view-toggle'));
    await page.locator(byTestId('key-link-out-of-service'), { hasText: 'Ключ отключён: эта ссылка не подключается' }).waitFor();
    assert.equal(await page.locator(byTestId('key-qr-out-of-service')).textContent(), 'Ключ отключён: этот код не подключается');
    assert.match((await page.locator(byTestId('key-print-refused')).textContent()) ?? '', /^Листа для печати нет, пока ключ не подключается/);
    await session.screenshot('ru-key-disabled');
    await page.click(byTestId('key-rename'));
    await page.fill(byTestId('key-rename-name'), 'планшет\u200Bмаши');
    assert.equal(await page.locator(byTestId('key-rename-error')).textContent(), 'В имени есть U+200B — управляющий или невидимый символ.');
    await page.click(byTestId('key-rename-cancel'));

    await deleteElsewhere(id);
    await page.click(byTestId('key-view-toggle'));
    await page.locator(byTestId('key-gone')).waitFor();
    assert.equal(
      await page.locator(byTestId('key-gone-text')).textContent(),
      `На сервере alpha больше нет ключа «планшет-маши» (id ${id}): его удалили — здесь или в другом месте (в CLI, в другой консоли).`,
    );
    assert.equal(await page.locator(byTestId('key-gone-back')).textContent(), 'Назад к ключам сервера alpha');
    await page.click(byTestId('key-gone-back'));
    await page.locator(byTestId('keys-table')).waitFor();
    await page.selectOption(byTestId('language-switch'), 'en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
  });
});
