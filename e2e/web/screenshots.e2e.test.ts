import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { probeNewServer } from '../support/add-server-form.ts';
import { buildAgentAndWindow } from '../support/build-for-tests.ts';
import { ARTIFACTS_DIR } from '../support/chromium.ts';
import { findClippedText } from '../support/clipped-text.ts';
import { findEnglishText } from '../support/english-text.ts';
import { decodeQrPng } from '../support/decode-qr.ts';
import { addAndDeploy, keyport, keyportJson } from '../support/keyport-cli.ts';
import { scratchHome, type ScratchHome } from '../support/scratch-home.ts';
import { byTestId, openWebConsole, type WebConsoleSession } from '../support/web-console-session.ts';

const REPO = resolve(import.meta.dirname, '../..');
const NOTE = 'the family laptop in the kitchen, shared with the kids';
const PERSON = 'Анна Петрова 📱';
/** What this test names things: data, written as given in every language. */
const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'root', 'kitchen-tv', 'laptop-anna', 'a-really-long-key-name-for-the-tablet-that-lives-in-the-hallway', 'phone-boris', 'team-', NOTE, PERSON];
const SUBSCRIPTION_PORT = 8443;
const VIEWPORT_HEIGHT_PX = 900;

/**
 * One look of the window that every view is shot in. A language joins theme and width here:
 * a field, its values in LOOKS, and a line in useLook() that picks it.
 */
interface Look {
  language: 'en' | 'ru';
  theme: 'light' | 'dark';
  width: number;
}

const LOOKS: Look[] = (['en', 'ru'] as const).flatMap((language) =>
  [1024, 1440].flatMap((width) => (['light', 'dark'] as const).map((theme) => ({ language, theme, width }))),
);
/** The look's folder under e2e/artifacts/screens/, e.g. `ru-light-1024`. */
const lookName = (look: Look) => Object.values(look).join('-');

type Rgb = [number, number, number];

/** In the page: how many pixels of a chart's canvas are exactly this colour (a bar's fill). */
function chartPixels({ testId, rgb }: { testId: string; rgb: Rgb }): number {
  const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="${testId}"]`);
  if (!canvas) return 0;
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  let count = 0;
  for (let index = 0; index < data.length; index += 4) if (data[index] === rgb[0] && data[index + 1] === rgb[1] && data[index + 2] === rgb[2]) count += 1;
  return count;
}

interface KeyJson {
  id: string;
  name: string;
  port: number;
}

/**
 * Every view of the window in Chromium (web mode), at 1024 and 1440 px, light and dark:
 * a screenshot of each into e2e/artifacts/screens/LOOK/VIEW.png, and no text cut off in any of
 * them. The fleet holds a deployed server with keys, traffic and a person, a second server
 * whose host key changed (both fingerprints shown), and a third that is offline (its sshd gone
 * after the window read it once), whose views show the cache, why and when the next try is.
 */
describe('web console: every view in every look', { timeout: 900_000 }, () => {
  let alpha: TestServer;
  let beta: TestServer;
  let delta: TestServer;
  let deltaKey: KeyJson;
  let home: ScratchHome;
  let session: WebConsoleSession;
  let page: Page;
  let used: KeyJson;
  let personUuid: string;
  let keyPortForward: { close(): Promise<void> } | undefined;

  /** Each view: how to get there from anywhere, and what shows once it is all drawn. */
  const views: { name: string; open(): Promise<void> }[] = [
    { name: 'fleet', open: openFleet },
    {
      name: 'add-server',
      async open() {
        await openFleet();
        await page.click(byTestId('add-server-button'));
        await page.check(byTestId('add-server-mode-host'));
      },
    },
    {
      name: 'add-server-host-key',
      async open() {
        await openFleet();
        await probeNewServer(page, { name: 'gamma', sshPort: alpha.sshPort, user: 'root', login: { keyPath: alpha.clientKeyPath } });
        await page.locator(byTestId('host-key-fingerprint')).waitFor();
      },
    },
    {
      name: 'server-host-key-changed',
      async open() {
        await page.click(byTestId('server-link-beta'));
        await page.locator(`${byTestId('server-view')} ${byTestId('host-key-presented')}`).waitFor();
      },
    },
    {
      name: 'keys',
      async open() {
        await openAlpha('keys');
        await page.locator(byTestId(`key-today-${used.id}`)).filter({ hasText: /KiB|MiB|КиБ|МиБ/ }).waitFor();
      },
    },
    {
      name: 'keys-none-found',
      async open() {
        await openAlpha('keys');
        await page.fill(byTestId('key-search'), 'no key is named like this');
        await page.locator(`${byTestId('keys-table')} .virtual-empty`).waitFor();
      },
    },
    {
      name: 'traffic',
      async open() {
        await openAlpha('traffic');
        await page.locator(`${byTestId('chart-server-daily-wrapper')}[data-ready="true"]`).waitFor();
      },
    },
    {
      name: 'system',
      async open() {
        await openAlpha('system');
        await page.locator(`${byTestId('config-in-sync')}[data-in-sync="true"]`).waitFor();
        await page.locator(byTestId(`port-row-${used.port}`)).waitFor();
      },
    },
    {
      name: 'create-many',
      async open() {
        await openAlpha('keys');
        await page.click(byTestId('create-many-open'));
        await page.fill(byTestId('create-many-names'), 'kitchen-tv\nteam-1');
        await page.locator(byTestId('create-many-count')).waitFor();
      },
    },
    {
      name: 'deploy-options',
      async open() {
        await openAlpha('keys');
        await page.click(byTestId('deploy-options-button'));
        await page.locator(byTestId('deploy-options-dialog')).waitFor();
      },
    },
    { name: 'key', open: openUsedKey },
    {
      name: 'print-sheet',
      async open() {
        await openUsedKey();
        await page.click(byTestId('key-print'));
        await page.locator(`${byTestId('print-sheet')} .print-qr`).waitFor();
      },
    },
    {
      name: 'offline-keys',
      async open() {
        await openDelta('keys');
        await page.locator(byTestId(`key-row-${deltaKey.id}`)).waitFor();
        // Typed, so the create button says why it is held back, not that a name is missing.
        await page.fill(byTestId('create-key-name'), 'team-13');
        await page.locator(`${byTestId('create-key-button')}:disabled`).waitFor();
      },
    },
    {
      name: 'offline-traffic',
      async open() {
        await openDelta('traffic');
        await page.locator(`${byTestId('chart-server-daily-wrapper')}[data-ready="true"]`).waitFor();
      },
    },
    {
      name: 'offline-system',
      async open() {
        await openDelta('system');
        await page.locator(`${byTestId('system-sync')}:disabled`).waitFor();
      },
    },
    {
      name: 'offline-key',
      async open() {
        await openDelta('keys');
        await page.click(byTestId(`key-row-${deltaKey.id}`));
        await page.locator(byTestId('key-qr')).waitFor();
      },
    },
    {
      name: 'people',
      async open() {
        await page.click(byTestId('nav-people'));
        await page.locator(byTestId(`person-row-${personUuid}`)).waitFor();
      },
    },
    {
      name: 'move-people',
      async open() {
        await page.click(byTestId('nav-people'));
        await page.click(byTestId('people-move'));
        await page.locator(byTestId('move-from')).waitFor();
      },
    },
    {
      name: 'person',
      async open() {
        await page.click(byTestId('nav-people'));
        await page.locator(byTestId(`person-row-${personUuid}`)).locator(byTestId('person-open')).click();
        await page.locator(byTestId('person-qr')).waitFor();
      },
    },
  ];

  async function openFleet() {
    await page.click(byTestId('nav-fleet'));
    const state = page.locator(`${byTestId('fleet-row-alpha')} ${byTestId('server-state')}`);
    await state.and(page.locator('[data-state="online"]')).waitFor().catch(async (error: unknown) => {
      // What the row says instead is what a failure needs to be understood.
      throw new Error(`alpha is not online: ${await state.getAttribute('data-state')} (${await state.getAttribute('title')}): ${await page.locator(byTestId('fleet-row-alpha')).innerText()}`, { cause: error });
    });
    await page.locator(`${byTestId('fleet-row-beta')} ${byTestId('host-key-presented')}`).waitFor();
    await page.locator(`${byTestId('fleet-row-delta')} ${byTestId('server-state')}[data-state="offline"]`).waitFor();
  }

  async function openAlpha(tab: 'keys' | 'traffic' | 'system') {
    await page.click(byTestId('server-link-alpha'));
    await page.locator(`${byTestId('server-view')} ${byTestId('server-state')}[data-state="online"]`).waitFor();
    await page.click(byTestId(`tab-${tab}`));
  }

  /** delta's tab as it shows offline: the cache under why it is not reached, and when it is tried again. */
  async function openDelta(tab: 'keys' | 'traffic' | 'system') {
    await page.click(byTestId('server-link-delta'));
    await page.locator(`${byTestId('server-view')} ${byTestId('server-state')}[data-state="offline"]`).waitFor();
    await page.click(byTestId(`tab-${tab}`));
    await page.locator(byTestId('offline-banner')).waitFor();
    await page.locator(byTestId('reach-retry')).waitFor({ timeout: 60_000 });
  }

  async function openUsedKey() {
    await openAlpha('keys');
    await page.click(byTestId(`key-row-${used.id}`));
    await page.locator(`${byTestId('chart-daily-wrapper')}[data-ready="true"]`).waitFor();
    await page.locator(byTestId('key-qr')).waitFor();
  }

  /** Back to a plain page between views: no dialog or sheet left open, no search typed. */
  async function reset() {
    await page.reload();
    await page.locator(byTestId('fleet-view')).waitFor();
  }

  async function useLook(look: Look) {
    await page.setViewportSize({ width: look.width, height: VIEWPORT_HEIGHT_PX });
    await chooseLanguage(look.language);
    await chooseTheme(look.theme);
  }

  async function chooseLanguage(language: Look['language']) {
    await page.selectOption(byTestId('language-switch'), language);
    await page.waitForFunction((expected) => document.documentElement.lang === expected, language);
  }

  async function chooseTheme(choice: 'system' | Look['theme']) {
    await page.selectOption(byTestId('theme-switch'), choice);
    if (choice !== 'system') await shownTheme(choice);
  }

  const shownTheme = (theme: Look['theme']) => page.waitForFunction((expected) => document.documentElement.dataset.theme === expected, theme);

  /** The whole view, not only the window's height: .main scrolls, so the page is made as tall as its content for the shot. */
  async function shoot(look: Look, view: string) {
    const dir = join(ARTIFACTS_DIR, 'screens', lookName(look));
    mkdirSync(dir, { recursive: true });
    const contentHeight = await page.evaluate(() => Math.max(document.querySelector('main')?.scrollHeight ?? 0, document.querySelector('.print-sheet')?.scrollHeight ?? 0));
    await page.setViewportSize({ width: look.width, height: Math.max(VIEWPORT_HEIGHT_PX, contentHeight) });
    await page.screenshot({ path: join(dir, `${view}.png`) });
    await page.setViewportSize({ width: look.width, height: VIEWPORT_HEIGHT_PX });
  }

  before(async () => {
    buildAgentAndWindow();
    alpha = await TestServer.create(await freePort());
    beta = await TestServer.create(await freePort());
    delta = await TestServer.create(await freePort());
    home = scratchHome('keyport-web-screens-');
    await addAndDeploy(home.env, 'alpha', alpha, { subscriptionsPort: SUBSCRIPTION_PORT });
    const create = (args: string[]) => keyportJson<KeyJson>(['keys', 'create', 'alpha', ...args], home.env);
    used = await create(['laptop-anna', '--limit', '5GB', '--reset', 'month', '--note', NOTE]);
    await create(['a-really-long-key-name-for-the-tablet-that-lives-in-the-hallway']);
    const disabled = await create(['phone-boris', '--expires', '+30d']);
    await keyportJson(['keys', 'disable', 'alpha', disabled.id], home.env);
    const names = join(home.dir, 'names.txt');
    writeFileSync(names, Array.from({ length: 12 }, (_, index) => `team-${index + 1}`).join('\n'));
    await keyportJson(['keys', 'create-many', 'alpha', '--from', names], home.env);
    alpha.exec(join(REPO, 'scripts/node24'), [join(REPO, 'e2e/support/move-bytes.ts'), String(used.port), '300000', '1200000']);
    const added = await keyportJson<{ people: { uuid: string }[] }>(['people', 'add', PERSON, 'alpha', '--limit', '20GB', '--reset', 'month'], home.env);
    personUuid = added.people[0]!.uuid;
    // The console checks the first key's port where its link points (127.0.0.1): answered, alpha is online.
    keyPortForward = await alpha.forwardPort(used.port);

    // beta was reinstalled since it was added: the fleet shows it red, with both fingerprints.
    const betaAdded = await keyport(['server', 'add', 'beta', '--host', '127.0.0.1', '--port', String(beta.sshPort), '--key', beta.clientKeyPath, '--accept-host-key', beta.hostKeyFingerprint], home.env);
    assert.equal(betaAdded.code, 0, betaAdded.stderr);
    await beta.stopSshd();
    beta.replaceHostKey();
    beta.startSshd();

    await addAndDeploy(home.env, 'delta', delta);
    deltaKey = await keyportJson<KeyJson>(['keys', 'create', 'delta', 'kitchen-tv', '--limit', '1GB', '--reset', 'month'], home.env);
    const deltaDisabled = await keyportJson<KeyJson>(['keys', 'create', 'delta', 'phone-boris'], home.env);
    await keyportJson(['keys', 'disable', 'delta', deltaDisabled.id], home.env);

    session = await openWebConsole(home.env);
    page = session.page;
    await page.goto(session.web.url);
    await page.locator(byTestId('fleet-view')).waitFor();

    // delta's views read once while it answers, so that offline they show the cache; then its sshd goes.
    await page.click(byTestId('server-link-delta'));
    await page.locator(byTestId(`key-row-${deltaKey.id}`)).waitFor();
    await page.click(byTestId(`key-row-${deltaKey.id}`));
    await page.locator(`${byTestId('chart-daily-wrapper')}[data-ready="true"]`).waitFor();
    await page.locator(byTestId('key-qr')).waitFor();
    await page.click(byTestId('key-back'));
    await page.click(byTestId('tab-traffic'));
    await page.locator(`${byTestId('chart-server-daily-wrapper')}[data-ready="true"]`).waitFor();
    await page.click(byTestId('tab-system'));
    await page.locator(`${byTestId('config-in-sync')}[data-in-sync="true"]`).waitFor();
    await delta.stopSshd();
    await page.click(byTestId('tab-keys'));
    await page.locator(byTestId('server-reason')).waitFor({ timeout: 30_000 });
  });

  after(async () => {
    await session?.close();
    await keyPortForward?.close();
    await alpha?.destroy();
    await beta?.destroy();
    await delta?.destroy();
    home?.remove();
  });

  test('the theme chosen is kept over a reload, and "System" follows the system as it changes', async () => {
    await reset();
    await chooseTheme('dark');
    await reset();
    await shownTheme('dark');
    assert.equal(await page.locator(byTestId('theme-switch')).inputValue(), 'dark');

    await chooseTheme('system');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shownTheme('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await shownTheme('light');
    await reset();
    assert.equal(await page.locator(byTestId('theme-switch')).inputValue(), 'system');
    await shownTheme('light');
  });

  test('in dark the charts paint with the dark tokens (and light ones again when switched), the QR code still scans, and the print sheet stays black on white', async () => {
    // --chart-rx in theme.css
    const lightRx = { testId: 'chart-daily', rgb: [0x25, 0x63, 0xeb] as Rgb };
    const darkRx = { testId: 'chart-daily', rgb: [0x5b, 0x8f, 0xf5] as Rgb };
    await reset();
    await chooseTheme('dark');
    await openUsedKey();
    await page.waitForFunction(chartPixels, darkRx);
    assert.equal(await page.evaluate(chartPixels, lightRx), 0);
    await chooseTheme('light');
    await page.waitForFunction(chartPixels, lightRx);
    assert.equal(await page.evaluate(chartPixels, darkRx), 0, 'redrawn in the light colours');

    await chooseTheme('dark');
    const link = (await page.locator(byTestId('key-link')).textContent())?.trim();
    const frame = page.locator('.qr-frame');
    assert.equal(await frame.evaluate((element) => getComputedStyle(element).backgroundColor), 'rgb(255, 255, 255)');
    assert.equal(decodeQrPng(await frame.screenshot()).text, link, 'the QR code as shown in dark decodes to the link');

    await page.click(byTestId('key-print'));
    const sheet = page.locator(`${byTestId('print-sheet')} .print-page`);
    assert.deepEqual(
      await sheet.evaluate((element) => [getComputedStyle(element).backgroundColor, getComputedStyle(element).color, getComputedStyle(element.querySelector('h1')!).color]),
      ['rgb(255, 255, 255)', 'rgb(0, 0, 0)', 'rgb(0, 0, 0)'],
    );
  });

  for (const look of LOOKS) {
    const inEnglish = look.language === 'en';
    test(`in ${look.language}, at ${look.width} px, ${look.theme}: every view is shot, and none cuts off a text or pushes a button out of its bar${inEnglish ? '' : ', or is left in English'}`, async () => {
      const clipped: string[] = [];
      const english: string[] = [];
      for (const view of views) {
        await reset();
        await useLook(look);
        await view.open();
        clipped.push(...(await findClippedText(page)).map((finding) => `${view.name}: ${finding}`));
        if (!inEnglish) english.push(...(await findEnglishText(page, { names: NAMES })).map((finding) => `${view.name}: ${finding}`));
        await shoot(look, view.name);
      }
      assert.deepEqual({ clipped, english }, { clipped: [], english: [] });
    });
  }
});
