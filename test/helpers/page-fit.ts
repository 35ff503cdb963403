import type { Page } from 'playwright-core';

/**
 * Measurements for "everything fits" in the browser tests. The expressions run in the page as
 * strings, since the tests compile without the DOM's types.
 */

export interface TableFit {
  /** The width the table needs for all its columns. */
  table: number;
  /** The width its scrolling container (the table's parent) shows. */
  container: number;
}

/** A table wider than its container has columns cut off at this window width. */
export function tableFit(page: Page, selector: string): Promise<TableFit> {
  return page.evaluate<TableFit>(`(() => {
    const table = document.querySelector(${JSON.stringify(selector)});
    if (!table) throw new Error('no element matches ' + ${JSON.stringify(selector)});
    return { table: table.scrollWidth, container: table.parentElement.clientWidth };
  })()`);
}

export interface PageWidth {
  /** The document's full width, scrolled content included. */
  document: number;
  /** The window's width. */
  window: number;
}

/** A document wider than the window scrolls the page sideways. */
export function pageWidth(page: Page): Promise<PageWidth> {
  return page.evaluate<PageWidth>(
    '({ document: document.documentElement.scrollWidth, window: window.innerWidth })',
  );
}

/**
 * The deepest elements that stick out past the window's right edge, as `tag.class "text"` (at
 * most three), so a failing width check says what to fix rather than only how wide the page is.
 */
export function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const width = window.innerWidth;
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.right <= width + 0.5) continue;
      // Only the innermost: a child that sticks out makes its parents stick out too.
      if ([...el.children].some((c) => c.getBoundingClientRect().right > width + 0.5)) continue;
      const name = el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      out.push(name + ' "' + (el.textContent || '').trim().slice(0, 60) + '" ' + Math.round(box.right) + 'px');
      if (out.length === 3) break;
    }
    return out;
  })()`);
}

/** Whether the element's whole box lies within the window's width (no sideways scroll to see it). */
export async function withinViewportWidth(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  const width = page.viewportSize()?.width;
  if (!box || width === undefined) return false;
  return box.x >= 0 && box.x + box.width <= width;
}

/**
 * The narrowest cell of a table that shows something, in px: a column squeezed so that each word
 * wraps on its own line reads a few px wide here, even when the table itself fits.
 */
export function narrowestCell(page: Page, selector: string): Promise<number> {
  return page.evaluate<number>(`(() => {
    const table = document.querySelector(${JSON.stringify(selector)});
    if (!table) throw new Error('no element matches ' + ${JSON.stringify(selector)});
    const widths = [...table.querySelectorAll('tbody td, tbody th, tfoot td, tfoot th')]
      .filter((cell) => cell.textContent.trim() !== '')
      .map((cell) => cell.getBoundingClientRect().width)
      .filter((w) => w > 0);
    return widths.length ? Math.min(...widths) : Infinity;
  })()`);
}
