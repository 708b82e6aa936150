import { escapeHtml } from '../../identity/html-page.js';
import type { PartnerView } from '../../partners/partner-view.js';
import { csrfFieldHtml } from '../dpo/staff-form-html.js';
import { partnerPath, partnerStatusPath } from './admin-paths.js';

/** A change of a partner's status that the administrator confirms. */
export type StatusChange = 'suspend' | 'reactivate';

/** Title of the confirmation page, unique per partner and change. */
export function statusPageTitle(partner: PartnerView, change: StatusChange): string {
  return `${change === 'suspend' ? 'Suspendre' : 'Réactiver'} ${partner.name}`;
}

/**
 * Renders the confirmation of a suspension or reactivation: what will
 * change, then a POST form with the CSRF token, and a way back.
 */
export function statusConfirmationHtml(partner: PartnerView, change: StatusChange, csrfToken: string): string {
  const name = escapeHtml(partner.name);
  const effect = change === 'suspend'
    ? [
        `<p>Dès la prochaine requête, ${name} ne pourra plus obtenir de jeton d'accès, lire les documents qui lui sont partagés ni demander d'accès. Les personnes ne pourront plus lui partager de documents.</p>`,
        '<p>Les partages existants ne sont pas supprimés : ils reprennent effet, dans leurs dates, si vous réactivez ce partenaire.</p>',
      ]
    : [
        `<p>${name} pourra de nouveau obtenir des jetons d'accès et lire les documents que des personnes lui partagent, dans les dates de chaque partage. Les personnes pourront de nouveau lui partager des documents.</p>`,
      ];
  return [
    `<h1>${change === 'suspend' ? 'Suspendre' : 'Réactiver'} ${name} ?</h1>`,
    ...effect,
    `<form method="post" action="${partnerStatusPath(partner.id, change)}">`,
    csrfFieldHtml(csrfToken),
    '<p class="coffre-actions">',
    `<button class="fr-btn" type="submit">${change === 'suspend' ? 'Suspendre le partenaire' : 'Réactiver le partenaire'}</button>`,
    `<a class="fr-btn fr-btn--secondary" href="${partnerPath(partner.id)}">Annuler</a>`,
    '</p>',
    '</form>',
  ].join('\n');
}
