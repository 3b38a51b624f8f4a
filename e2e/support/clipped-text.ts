import type { Page } from 'playwright-core';

/**
 * Every place on the page where text is cut off or pushed out of its box, in words, for an
 * assertion to list: an element whose content is wider (or, when it hides overflow, taller) than
 * its box, unless it scrolls on purpose (overflow auto/scroll) or ends in an intended ellipsis;
 * a button sticking out of the element that holds it; a field too narrow for its placeholder;
 * and a view that scrolls sideways. Only the innermost of nested overflowing boxes is named,
 * since each of its ancestors overflows with it. A field's typed text is left out: it scrolls
 * inside the field by design.
 */
export function findClippedText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    /** Layout rounds to whole pixels on both sides of the comparison. */
    const TOLERANCE_PX = 1;
    const FIELDS = new Set(['INPUT', 'TEXTAREA', 'SELECT', 'OPTION', 'CANVAS', 'IMG', 'svg']);

    const name = (element: Element) => {
      const testId = element.closest('[data-testid]')?.getAttribute('data-testid');
      const classes = Array.from(element.classList).map((entry) => `.${entry}`).join('');
      const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 60);
      return `${element.tagName.toLowerCase()}${classes}${testId ? ` in [${testId}]` : ''} "${text}"`;
    };
    const shown = (element: HTMLElement) => element.getClientRects().length > 0 && !element.closest('.visually-hidden, [hidden]');

    const overflowing: { element: HTMLElement; why: string }[] = [];
    for (const element of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      if (FIELDS.has(element.tagName) || element.closest('select') || !shown(element)) continue;
      const style = getComputedStyle(element);
      if (style.display === 'inline' || style.display === 'contents' || !(element.textContent ?? '').trim()) continue;
      const scrollsX = /auto|scroll/.test(style.overflowX);
      const scrollsY = /auto|scroll/.test(style.overflowY);
      const hidesY = /hidden|clip/.test(style.overflowY);
      if (!scrollsX && style.textOverflow !== 'ellipsis' && element.scrollWidth - element.clientWidth > TOLERANCE_PX) {
        overflowing.push({ element, why: `${element.scrollWidth} px wide in ${element.clientWidth} px` });
      } else if (hidesY && !scrollsY && element.scrollHeight - element.clientHeight > TOLERANCE_PX) {
        overflowing.push({ element, why: `${element.scrollHeight} px tall in ${element.clientHeight} px` });
      }
    }
    const found = overflowing
      .filter(({ element }) => !overflowing.some((other) => other.element !== element && element.contains(other.element)))
      .map(({ element, why }) => `${name(element)}: ${why}`);

    for (const button of Array.from(document.querySelectorAll<HTMLElement>('button'))) {
      const holder = button.parentElement;
      if (!holder || !shown(button)) continue;
      const inner = button.getBoundingClientRect();
      const outer = holder.getBoundingClientRect();
      if (inner.right - outer.right > TOLERANCE_PX || outer.left - inner.left > TOLERANCE_PX) found.push(`${name(button)} sticks out of ${name(holder)}`);
    }

    // A placeholder is drawn inside the field, so the field's box must hold it.
    const measure = document.createElement('canvas').getContext('2d')!;
    for (const field of Array.from(document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[placeholder], textarea[placeholder]'))) {
      if (field.value || !shown(field)) continue;
      const style = getComputedStyle(field);
      measure.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const needed = measure.measureText(field.placeholder).width;
      if (field.tagName === 'INPUT' && needed - room > TOLERANCE_PX) found.push(`the placeholder of ${name(field)} "${field.placeholder}": ${Math.ceil(needed)} px in ${Math.floor(room)} px`);
    }

    for (const scroller of [document.scrollingElement, document.querySelector('main')]) {
      if (scroller && scroller.scrollWidth - scroller.clientWidth > TOLERANCE_PX) {
        found.push(`${scroller.tagName.toLowerCase()} scrolls sideways: ${scroller.scrollWidth} px of content in ${scroller.clientWidth} px`);
      }
    }
    return found;
  });
}
