import { escapeHtml } from '../../identity/html-page.js';

/**
 * Escapes a long unbroken value (a hash, a client id) and lets it wrap every
 * `every` characters with `<wbr>`, so a page at 320 px wide does not scroll
 * sideways. Copying the value keeps it whole, because `<wbr>` adds no text.
 */
export function breakableHtml(text: string, every = 8): string {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += every) pieces.push(escapeHtml(text.slice(start, start + every)));
  return pieces.join('<wbr>');
}
