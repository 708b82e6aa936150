import { escapeHtml } from '../../identity/html-page.js';
import type { PartnerPage } from '../../partners/partner-admin.service.js';
import type { PartnerView } from '../../partners/partner-view.js';
import { formatParisTime } from '../dpo/paris-time.js';
import { PARTNER_LIST_PATH, PARTNER_NEW_PATH, partnerPath, partnerStatusPath } from './admin-paths.js';
import { PARTNER_KIND_LABELS } from './partner-kind-labels.js';

/**
 * Renders the content of the partner list: newest first, one page at a
 * time, each row with its link to suspend or reactivate the partner.
 */
export function partnerListHtml(page: PartnerPage): string {
  const parts = [
    '<h1>Partenaires</h1>',
    '<p>Les partenaires sont les organismes dont le logiciel lit les documents que les personnes leur partagent. Un partenaire suspendu ne peut plus rien lire ni demander, jusqu\'à sa réactivation.</p>',
    `<p><a class="fr-btn fr-btn--icon-left fr-icon-add-line" href="${PARTNER_NEW_PATH}">Enregistrer un partenaire</a></p>`,
    '<h2>Partenaires enregistrés</h2>',
  ];
  if (page.items.length === 0) {
    parts.push('<p>Aucun partenaire n\'est enregistré pour l\'instant.</p>');
    return parts.join('\n');
  }

  parts.push(
    '<div class="fr-table coffre-table-wrapper" tabindex="0" role="region" aria-label="Partenaires, tableau défilant">',
    '<table>',
    `<caption>Partenaires, du plus récent au plus ancien (${page.items.length} sur cette page)</caption>`,
    '<thead><tr><th scope="col">Nom</th><th scope="col">Type</th><th scope="col">SIRET</th><th scope="col">État</th><th scope="col">Enregistré le</th><th scope="col">Action</th></tr></thead>',
    `<tbody>${page.items.map(rowHtml).join('\n')}</tbody>`,
    '</table>',
    '</div>',
  );
  if (page.nextCursor !== null) {
    parts.push(
      '<nav class="fr-pagination" aria-label="Pages de la liste des partenaires">',
      `<ul class="fr-pagination__list"><li><a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" href="${PARTNER_LIST_PATH}?cursor=${encodeURIComponent(page.nextCursor)}">Partenaires plus anciens</a></li></ul>`,
      '</nav>',
    );
  }
  return parts.join('\n');
}

/** Renders the partner's status as a badge, for the list and the partner's page. */
export function statusBadgeHtml(partner: PartnerView): string {
  return partner.status === 'active'
    ? '<p class="fr-badge fr-badge--success fr-badge--no-icon">Actif</p>'
    : '<p class="fr-badge fr-badge--warning fr-badge--no-icon">Suspendu</p>';
}

function rowHtml(partner: PartnerView): string {
  const name = escapeHtml(partner.name);
  // The accessible name says which partner, starting with the visible word. A
  // visually hidden span would be positioned outside the scrolling table and
  // widen the page at 320 px.
  const change = partner.status === 'active'
    ? `<a href="${partnerStatusPath(partner.id, 'suspend')}" aria-label="Suspendre ${name}">Suspendre</a>`
    : `<a href="${partnerStatusPath(partner.id, 'reactivate')}" aria-label="Réactiver ${name}">Réactiver</a>`;
  const cells = [
    `<a href="${partnerPath(partner.id)}">${name}</a>`,
    escapeHtml(PARTNER_KIND_LABELS[partner.kind]),
    partner.siret === null ? '—' : escapeHtml(partner.siret),
    statusBadgeHtml(partner),
    `<time datetime="${escapeHtml(partner.createdAt)}">${escapeHtml(formatParisTime(partner.createdAt))}</time>`,
    change,
  ];
  return `<tr>${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
}
