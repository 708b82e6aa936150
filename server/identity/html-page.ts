const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML element body or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/**
 * Wraps `mainHtml` (already escaped) in a minimal page for the sign-in screens. The page
 * has no inline script or style, so the vault's Content Security Policy applies unchanged.
 */
export function renderPage(options: { lang: 'fr' | 'en'; title: string; mainHtml: string }): string {
  return [
    '<!DOCTYPE html>',
    `<html lang="${options.lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(options.title)} – Coffre</title>`,
    '</head>',
    '<body>',
    `<main id="contenu">${options.mainHtml}</main>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
