import { escapeHtml } from '../../identity/html-page.js';
import type { PartnerView } from '../../partners/partner-view.js';
import { breakableHtml } from '../dpo/breakable-text.js';
import { formatParisTime } from '../dpo/paris-time.js';
import { PARTNER_LIST_PATH, partnerStatusPath } from './admin-paths.js';
import { statusBadgeHtml } from './partner-list-page.js';
import { PARTNER_KIND_LABELS } from './partner-kind-labels.js';

/** A notice shown at the top of the partner's page after a change, or after a refused one. */
export interface PartnerNotice {
  kind: 'success' | 'error';
  title: string;
  text: string;
}

/**
 * Renders the content of one partner's page: what the administrator gives
 * the partner (its client id), its registered keys by id and algorithm, and
 * the link to suspend or reactivate it.
 */
export function partnerDetailHtml(partner: PartnerView, notice?: PartnerNotice): string {
  const parts = [`<h1>${escapeHtml(partner.name)}</h1>`];
  if (notice) {
    parts.push(
      `<div class="fr-alert fr-alert--${notice.kind} fr-mb-4w"${notice.kind === 'error' ? ' role="alert"' : ''}>`,
      `<h2 class="fr-alert__title">${escapeHtml(notice.title)}</h2>`,
      `<p>${escapeHtml(notice.text)}</p>`,
      '</div>',
    );
  }

  parts.push(
    statusBadgeHtml(partner),
    '<h2>Informations</h2>',
    '<dl>',
    fact('Type', escapeHtml(PARTNER_KIND_LABELS[partner.kind])),
    fact('SIRET', partner.siret === null ? 'non renseigné' : escapeHtml(partner.siret)),
    fact('Identifiant client (client_id)', `<code>${breakableHtml(partner.clientId)}</code>`),
    fact('Enregistré le', `<time datetime="${escapeHtml(partner.createdAt)}">${escapeHtml(formatParisTime(partner.createdAt))}</time>`),
    partner.suspendedAt === null ? '' : fact('Suspendu le', `<time datetime="${escapeHtml(partner.suspendedAt)}">${escapeHtml(formatParisTime(partner.suspendedAt))}</time>`),
    '</dl>',
    '<p>Le logiciel du partenaire s\'authentifie avec cet identifiant client et une assertion signée par l\'une des clés ci-dessous.</p>',
    '<h2>Clés publiques de signature</h2>',
    '<div class="fr-table coffre-table-wrapper" tabindex="0" role="region" aria-label="Clés publiques, tableau défilant">',
    '<table>',
    '<caption>Clés enregistrées pour ce partenaire</caption>',
    '<thead><tr><th scope="col">Identifiant de clé (kid)</th><th scope="col">Algorithme</th></tr></thead>',
    `<tbody>${partner.keys.map((key) => `<tr><td><code>${breakableHtml(key.kid)}</code></td><td>${escapeHtml(key.alg)}</td></tr>`).join('')}</tbody>`,
    '</table>',
    '</div>',
    '<h2>Accès du partenaire</h2>',
    partner.status === 'active'
      ? `<p><a class="fr-btn fr-btn--secondary" href="${partnerStatusPath(partner.id, 'suspend')}">Suspendre ce partenaire</a></p>`
      : `<p><a class="fr-btn fr-btn--secondary" href="${partnerStatusPath(partner.id, 'reactivate')}">Réactiver ce partenaire</a></p>`,
    `<p><a class="fr-link" href="${PARTNER_LIST_PATH}">Revenir à la liste des partenaires</a></p>`,
  );
  return parts.join('\n');
}

function fact(term: string, valueHtml: string): string {
  return `<dt>${escapeHtml(term)}</dt><dd>${valueHtml}</dd>`;
}
