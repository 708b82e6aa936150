import type { GrantView } from '../../grants/grant.types.js';
import { badge, successNotice } from '../components.js';
import { formatDay, formatDayTime } from '../dates.js';
import { csrfField } from '../forms.js';
import { html, type SafeHtml } from '../html.js';

const STATUS_BADGES: Record<GrantView['status'], SafeHtml> = {
  active: badge('En cours', 'success'),
  not_started: badge('À venir', 'info'),
  revoked: badge('Révoqué', 'error'),
  expired: badge('Terminé'),
};

/** Lines naming what a grant shares: its documents' titles, then its whole categories. */
export function grantScope(grant: GrantView): string[] {
  return [
    ...grant.documents.map((document) => `« ${document.title} »`),
    ...grant.categories.map((category) => `tous les documents de la catégorie « ${category.label} »`),
  ];
}

function purposeOf(grant: GrantView): string {
  return grant.purposeText ? `${grant.purposeLabel} : ${grant.purposeText}` : grant.purposeLabel;
}

/** Renders the "Mes partages" page: grants in force first, then ended ones. */
export function grantListPage(grants: readonly GrantView[], notice: string | undefined): SafeHtml {
  const current = grants.filter((grant) => grant.status === 'active' || grant.status === 'not_started');
  const ended = grants.filter((grant) => grant.status === 'revoked' || grant.status === 'expired');
  return html`<h1>Mes partages</h1>
${successNotice(notice)}
<p><a class="fr-btn" href="/partager">Partager des documents</a></p>
<h2>Partages en cours</h2>
${current.length === 0 ? html`<p>Aucun partenaire ne peut consulter vos documents en ce moment.</p>` : html`<ul class="coffre-grant-list">${current.map((grant) => grantItem(grant, true))}</ul>`}
<h2>Partages terminés</h2>
${ended.length === 0 ? html`<p>Aucun partage terminé.</p>` : html`<ul class="coffre-grant-list">${ended.map((grant) => grantItem(grant, false))}</ul>`}`;
}

function grantItem(grant: GrantView, revocable: boolean): SafeHtml {
  const scope = grantScope(grant);
  return html`<li class="fr-card">
<h3 class="fr-card__title">${grant.partner.name} ${STATUS_BADGES[grant.status]}</h3>
<p>Pour : ${purposeOf(grant)}</p>
<p>Documents : ${scope.length > 0 ? scope.join(', ') : 'aucun (les documents partagés ont été supprimés)'}</p>
<p>${grant.revokedAt ? `Révoqué le ${formatDayTime(grant.revokedAt)}` : `Du ${formatDay(grant.startsAt)} au ${formatDay(grant.endsAt)}`}</p>
${revocable ? html`<p><a class="fr-link" href="/partages/${grant.id}/revoquer">Révoquer le partage avec ${grant.partner.name}</a></p>` : ''}
</li>\n`;
}

/** Renders the confirmation before revoking, which states its effect in plain words. */
export function revokeGrantPage(grant: GrantView, csrfToken: string): SafeHtml {
  const scope = grantScope(grant);
  return html`<h1>Révoquer le partage avec ${grant.partner.name} ?</h1>
<p>Dès que vous confirmez, ${grant.partner.name} ne peut plus consulter ${scope.length === 1 ? 'ce document' : 'ces documents'} :</p>
<ul>${scope.map((line) => html`<li>${line}</li>`)}</ul>
<p>Les documents que ${grant.partner.name} a déjà téléchargés restent sous sa responsabilité. Pour partager à nouveau, vous devrez créer un nouveau partage.</p>
<form method="post" action="/partages/${grant.id}/revoquer">
${csrfField(csrfToken)}
<p class="coffre-actions">
<button type="submit" class="fr-btn fr-btn--danger">Révoquer le partage</button>
<a class="fr-link" href="/partages">Annuler et garder le partage</a>
</p>
</form>`;
}
