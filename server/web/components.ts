import { html, type SafeHtml } from './html.js';

/** Renders a DSFR success notice after a form, announced by screen readers as a status. */
export function successNotice(message: string | undefined): SafeHtml {
  if (!message) return html``;
  return html`<div class="fr-alert fr-alert--success fr-mb-4w" role="status">
<p>${message}</p>
</div>`;
}

/** Renders a DSFR badge, such as a grant's status. */
export function badge(label: string, tone: 'success' | 'error' | 'info' | 'neutral' = 'neutral'): SafeHtml {
  return html`<span class="fr-badge${tone === 'neutral' ? '' : ` fr-badge--${tone}`}">${label}</span>`;
}
