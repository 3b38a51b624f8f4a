import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { findClippedText } from './clipped-text.ts';

/** A grid row like the keys table's: cells that hide what overflows and end in an ellipsis. */
const STYLE = `
  body { margin: 0; font: 14px sans-serif; }
  .row { display: grid; grid-template-columns: 40px 200px; }
  .row > .cell { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .pill { display: inline-block; padding: 1px 8px; border: 1px solid; border-radius: 999px; white-space: nowrap; }
  .switch { display: inline-flex; align-items: center; gap: 5px; }
  .switch input { width: 30px; margin: 0; }
`;

/**
 * findClippedText on small pages in real Chromium: what it must name (a label cut by the box
 * around it, which itself overflows nowhere) and what it must leave alone (an intended ellipsis,
 * a box that scrolls, a popover that escapes the clipping box).
 */
describe('findClippedText', { timeout: 60_000 }, () => {
  let browser: Browser;
  let page: Page;

  before(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  });

  after(async () => {
    await browser?.close();
  });

  const clippedIn = async (body: string) => {
    await page.setContent(`<!doctype html><html><head><style>${STYLE}</style></head><body>${body}</body></html>`);
    return findClippedText(page);
  };

  test('a status pill in a grid cell too narrow for it is cut by the cell, though the cell ends in an ellipsis', async () => {
    const found = await clippedIn('<div class="row"><div class="cell"><span class="pill">Отключён</span></div><div class="cell">x</div></div>');
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /^span\.pill "Отключён" is cut by div\.cell "Отключён": \d+ px of it past the right edge$/);
  });

  test('a switch label in a grid cell too narrow for it is cut by the cell', async () => {
    const found = await clippedIn('<div class="row"><div class="cell"><label class="switch"><input type="checkbox"><span>Выкл.</span></label></div><div class="cell">x</div></div>');
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /^span "Выкл\." is cut by div\.cell "Выкл\.": \d+ px of it past the right edge$/);
  });

  test('a label pushed past the left edge of a box that hides overflow is cut there, where the box cannot scroll', async () => {
    const found = await clippedIn('<div style="display: flex; justify-content: flex-end; overflow: hidden; width: 40px"><span>Получено</span></div>');
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /^span "Получено" is cut by div "Получено": \d+ px of it past the left edge$/);
  });

  test('a line pushed below a box of fixed height that hides overflow is named once, as the box too tall', async () => {
    const found = await clippedIn('<div style="height: 20px; overflow: hidden; width: 300px"><div>first line</div> <div>second line</div></div>');
    assert.deepEqual(found, ['div "first line second line": 32 px tall in 20 px']);
  });

  test('the same pill and label with room in their cells are not named', async () => {
    const found = await clippedIn(
      '<div class="row" style="grid-template-columns: 120px 120px"><div class="cell"><span class="pill">Отключён</span></div><div class="cell"><label class="switch"><input type="checkbox"><span>Выкл.</span></label></div></div>',
    );
    assert.deepEqual(found, []);
  });

  test('a long name that its own cell ends in an ellipsis is intended, and not named', async () => {
    assert.deepEqual(await clippedIn('<div class="row"><div class="cell">x</div><div class="cell">a-really-long-key-name-for-the-tablet-that-lives-in-the-hallway</div></div>'), []);
  });

  test('text beyond the edge of a box that scrolls there is reached by scrolling, and not named', async () => {
    assert.deepEqual(await clippedIn('<div style="height: 40px; overflow: auto; width: 300px">' + '<p>a line</p>'.repeat(10) + '</div>'), []);
    // overflow-x hidden makes y auto: the lines below are scrolled to.
    assert.deepEqual(await clippedIn('<div style="width: 200px; height: 30px; overflow-x: hidden">' + '<p>a line</p>'.repeat(10) + '</div>'), []);
  });

  test('an absolutely placed popover escapes a clipping box that is not its containing block', async () => {
    assert.deepEqual(
      await clippedIn('<div style="position: relative"><div style="overflow: hidden; width: 40px; height: 20px">x<div style="position: absolute; top: 30px; left: 0">a popover far wider than the box</div></div></div>'),
      [],
    );
  });
});
