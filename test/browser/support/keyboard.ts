import type { Page } from 'playwright-core';

/** What the keyboard focus is on, as a test matches it. */
export interface FocusedElement {
  tag: string;
  id: string;
  /** Visible text of a link or button, or the value of a submit input. */
  text: string;
  /** Computed outline style, to check that the focus is visible. */
  outlineStyle: string;
}

/** Describes the element that has the keyboard focus. */
export async function focusedElement(page: Page): Promise<FocusedElement> {
  return (await page.evaluate(`(() => {
    const element = document.activeElement;
    if (!element) return { tag: '', id: '', text: '', outlineStyle: 'none' };
    return {
      tag: element.tagName.toLowerCase(),
      id: element.id,
      text: (element.innerText || element.value || '').replace(/\\s+/g, ' ').trim(),
      outlineStyle: getComputedStyle(element).outlineStyle,
    };
  })()`)) as FocusedElement;
}

/**
 * Presses Tab (or Shift+Tab with `backwards`) until the focused element
 * matches, as a keyboard user moves through a page. Throws after
 * `maxPresses`, naming what it was looking for and where the focus ended.
 */
export async function tabUntil(page: Page, matches: (element: FocusedElement) => boolean, description: string, options: { backwards?: boolean; maxPresses?: number } = {}): Promise<FocusedElement> {
  const key = options.backwards ? 'Shift+Tab' : 'Tab';
  for (let press = 0; press < (options.maxPresses ?? 80); press += 1) {
    await page.keyboard.press(key);
    const focused = await focusedElement(page);
    if (matches(focused)) return focused;
  }
  const last = await focusedElement(page);
  throw new Error(`${description} not reached with ${key}; the focus ended on <${last.tag} id="${last.id}">${last.text}`);
}

/** Presses Tab until the element with this id has the focus. */
export function tabToId(page: Page, id: string, options: { backwards?: boolean } = {}): Promise<FocusedElement> {
  return tabUntil(page, (element) => element.id === id, `#${id}`, options);
}

/** Presses Tab until a link or button whose text starts with `text` has the focus. */
export function tabToText(page: Page, text: string, options: { backwards?: boolean } = {}): Promise<FocusedElement> {
  return tabUntil(page, (element) => (element.tag === 'a' || element.tag === 'button') && element.text.startsWith(text), `"${text}"`, options);
}
