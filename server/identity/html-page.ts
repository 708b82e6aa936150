import { escapeHtml, trustedHtml } from '../web/html.js';
import { renderPage as renderLayoutPage } from '../web/layout.js';

export { escapeHtml };

/**
 * Wraps `mainHtml` (already escaped) in the vault's page layout, without
 * navigation, for the sign-in screens and the development provider's pages.
 * The page has no inline script or style, so the vault's Content Security
 * Policy applies unchanged.
 */
export function renderPage(options: { lang: 'fr' | 'en'; title: string; mainHtml: string }): string {
  return renderLayoutPage({ lang: options.lang, title: options.title, main: trustedHtml(options.mainHtml), nav: [] });
}
