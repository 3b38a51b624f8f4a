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
    const innermost = overflowing.filter(({ element }) => !overflowing.some((other) => other.element !== element && element.contains(other.element)));
    const found = innermost.map(({ element, why }) => `${name(element)}: ${why}`);
    found.push(...textCutByAncestors(new Set(innermost.map(({ element }) => element))));

    /**
     * Text that fits its own box can still be cut by a box around it that hides what overflows:
     * a status pill or a switch label in a grid cell. Each text's box (a pill's own border too)
     * is held against every clipping box it lies in, up to one that scrolls in that direction:
     * what goes past a scrolling edge is scrolled to, and nothing above that box sees it. An
     * ellipsis excuses only the text it is set on, the clipping box's own line (a long name
     * ended on purpose), never a pill or label set inside the box. The left and top edges count
     * too: content pushed past them (a flex end, say) is cut where scrollWidth does not see it.
     * A box named already as overflowing is not named again for what it cuts.
     */
    function textCutByAncestors(named: Set<Element>): string[] {
      const cuts = new Set<string>();
      const atomicInline = /^inline-(?:block|flex|grid|table)$/;
      const ownBlock = (element: Element) => {
        let block = element;
        while (block.parentElement && getComputedStyle(block).display === 'inline') block = block.parentElement;
        return block;
      };
      /** The next box whose overflow can clip `element`: an absolutely placed box escapes every box up to its containing block. */
      const clippingParent = (element: Element): Element | null => {
        const { position } = getComputedStyle(element);
        if (position === 'fixed') return null;
        let parent = element.parentElement;
        if (position === 'absolute') {
          while (parent && getComputedStyle(parent).position === 'static' && getComputedStyle(parent).transform === 'none') parent = parent.parentElement;
        }
        return parent;
      };
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const holder = node.parentElement;
        if (!holder || !(node.textContent ?? '').trim() || !(holder instanceof HTMLElement) || FIELDS.has(holder.tagName) || holder.closest('select, svg')) continue;
        if (!shown(holder) || getComputedStyle(holder).visibility === 'hidden') continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const rects = Array.from(range.getClientRects()).filter((rect) => rect.width > 0 && rect.height > 0);
        if (atomicInline.test(getComputedStyle(holder).display)) rects.push(holder.getBoundingClientRect());
        if (rects.length === 0) continue;
        const box = {
          left: Math.min(...rects.map((rect) => rect.left)),
          right: Math.max(...rects.map((rect) => rect.right)),
          top: Math.min(...rects.map((rect) => rect.top)),
          bottom: Math.max(...rects.map((rect) => rect.bottom)),
        };
        const ellipsisOn = ownBlock(holder);
        let watchX = true;
        let watchY = true;
        for (let clipper: Element | null = holder; clipper && clipper !== document.body && (watchX || watchY); clipper = clippingParent(clipper)) {
          const style = getComputedStyle(clipper);
          if (style.display === 'inline' || style.display === 'contents') continue;
          const clipsX = watchX && /hidden|clip/.test(style.overflowX);
          const clipsY = watchY && /hidden|clip/.test(style.overflowY);
          if (/auto|scroll/.test(style.overflowX)) watchX = false;
          if (/auto|scroll/.test(style.overflowY)) watchY = false;
          if (!clipsX && !clipsY) continue;
          const outer = clipper.getBoundingClientRect();
          const edges = { left: outer.left + clipper.clientLeft, top: outer.top + clipper.clientTop };
          const edge = { ...edges, right: edges.left + clipper.clientWidth, bottom: edges.top + clipper.clientHeight };
          const intended = clipper === ellipsisOn && style.textOverflow === 'ellipsis';
          const past = [
            ...(clipsX && !intended ? [['left', edge.left - box.left], ['right', box.right - edge.right]] as const : []),
            ...(clipsY ? [['top', edge.top - box.top], ['bottom', box.bottom - edge.bottom]] as const : []),
          ].find(([, overshootPx]) => overshootPx > TOLERANCE_PX);
          if (past) {
            if (!named.has(clipper)) cuts.add(`${name(holder)} is cut by ${name(clipper)}: ${Math.ceil(past[1])} px of it past the ${past[0]} edge`);
            break;
          }
          // What lies outside this box is not drawn: only the rest can be cut further out.
          if (clipsX) Object.assign(box, { left: Math.max(box.left, edge.left), right: Math.min(box.right, edge.right) });
          if (clipsY) Object.assign(box, { top: Math.max(box.top, edge.top), bottom: Math.min(box.bottom, edge.bottom) });
        }
      }
      return [...cuts];
    }

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
