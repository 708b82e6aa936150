import { addUtcMonths } from '../../../policies/index.js';
import type { AccessRequestView } from '../../access-requests/access-request.types.js';
import { badge, successNotice } from '../components.js';
import { formatDay, formatDayTime } from '../dates.js';
import { choiceFieldset, csrfField, errorFor, errorSummary, firstChoiceId, type FormErrors } from '../forms.js';
import { html, type SafeHtml } from '../html.js';

const STATUS_BADGES: Record<AccessRequestView['status'], SafeHtml> = {
  pending: badge('En attente de votre réponse', 'info'),
  approved: badge('Acceptée', 'success'),
  refused: badge('Refusée', 'error'),
  expired: badge('Expirée'),
  cancelled: badge('Annulée par le partenaire'),
};

/** The value of the approval choice that keeps the requested end date. */
export const KEEP_REQUESTED_END = 'demandee';

/** Shorter durations a person may pick when approving, in months. */
const SHORTER_MONTHS = [1, 3, 6] as const;

function purposeOf(request: AccessRequestView): string {
  return request.purposeText ? `${request.purposeLabel} : ${request.purposeText}` : request.purposeLabel;
}

/** Renders the "Demandes d'accès" page: how to get a sharing code, and the partners' requests. */
export function accessRequestListPage(requests: readonly AccessRequestView[], notice: string | undefined, csrfToken: string): SafeHtml {
  const pending = requests.filter((request) => request.status === 'pending');
  const answered = requests.filter((request) => request.status !== 'pending');
  return html`<h1>Demandes d'accès</h1>
${successNotice(notice)}
<h2>Donner un code de partage à un partenaire</h2>
<p>Un partenaire ne peut pas vous trouver seul dans le coffre. Pour qu'il vous demande des documents, créez un code de partage et donnez-le lui. Le code est valable 24 heures.</p>
<form method="post" action="/demandes/code">
${csrfField(csrfToken)}
<p><button type="submit" class="fr-btn fr-btn--secondary">Créer un code de partage</button></p>
</form>
<h2>Demandes en attente</h2>
${pending.length === 0 ? html`<p>Aucune demande n'attend votre réponse.</p>` : html`<ul class="coffre-request-list">${pending.map((request) => requestItem(request))}</ul>`}
<h2>Demandes déjà traitées</h2>
${answered.length === 0 ? html`<p>Aucune demande traitée.</p>` : html`<ul class="coffre-request-list">${answered.map((request) => requestItem(request))}</ul>`}`;
}

function requestItem(request: AccessRequestView): SafeHtml {
  const pending = request.status === 'pending';
  return html`<li class="fr-card">
<h3 class="fr-card__title">${request.partner.name} ${STATUS_BADGES[request.status]}</h3>
<p>Pour : ${purposeOf(request)}</p>
<p>Documents demandés : ${request.categories.map((category) => category.label).join(', ') || 'aucune catégorie précise'}</p>
<p>Jusqu'au ${formatDay(request.requestedEndsAt)}</p>
${request.message ? html`<p>Message du partenaire : « ${request.message} »</p>` : ''}
<p>Reçue le ${formatDayTime(request.createdAt)}${pending ? `, à traiter avant le ${formatDayTime(request.expiresAt)}` : ''}</p>
${pending ? html`<p class="coffre-actions"><a class="fr-link" href="/demandes/${request.id}/accepter">Accepter la demande de ${request.partner.name}</a> <a class="fr-link" href="/demandes/${request.id}/refuser">Refuser la demande de ${request.partner.name}</a></p>` : ''}
</li>\n`;
}

/** Renders the page that shows a sharing code once, since only its hash is kept. */
export function sharingCodePage(code: string, expiresAt: Date): SafeHtml {
  return html`<h1>Votre code de partage</h1>
<p>Donnez ce code au partenaire qui veut vous demander des documents :</p>
<p class="coffre-code">${code}</p>
<p>Ce code est valable jusqu'au ${formatDayTime(expiresAt)}. Notez-le maintenant : il ne sera plus affiché ensuite.</p>
<p>Quand le partenaire aura fait sa demande, elle apparaîtra dans vos demandes d'accès. Rien n'est partagé tant que vous n'avez pas accepté.</p>
<p><a class="fr-link" href="/demandes">Retour aux demandes d'accès</a></p>`;
}

/** End date choices when approving: the requested end, and the presets that end earlier. */
export function approvalChoices(request: AccessRequestView, now: Date) {
  const requestedEnd = new Date(request.requestedEndsAt);
  const shorter = SHORTER_MONTHS.filter((months) => addUtcMonths(now, months).getTime() < requestedEnd.getTime()).map((months) => ({
    value: String(months),
    label: `${months} mois`,
    hint: `jusqu'au ${formatDay(addUtcMonths(now, months))}`,
  }));
  return [{ value: KEEP_REQUESTED_END, label: 'La durée demandée', hint: `jusqu'au ${formatDay(requestedEnd)}` }, ...shorter];
}

/** Renders the approval page: what is requested, an optional shorter duration, and the consent text. */
export function approveRequestPage(request: AccessRequestView, consent: string, choice: string, errors: FormErrors, csrfToken: string, now: Date): SafeHtml {
  return html`<h1>Accepter la demande de ${request.partner.name} ?</h1>
${errorSummary(errors)}
<dl>
<dt><strong>Pour quoi</strong></dt><dd>${purposeOf(request)}</dd>
<dt><strong>Quels documents</strong></dt><dd>${request.categories.map((category) => `tous les documents de la catégorie « ${category.label} »`).join(', ')}</dd>
</dl>
<form method="post" action="/demandes/${request.id}/accepter" novalidate>
${csrfField(csrfToken)}
${choiceFieldset({ type: 'radio', id: 'duration', name: 'duration', legend: 'Jusqu\'à quand ?', hint: 'Vous pouvez garder la durée demandée ou la raccourcir.', choices: approvalChoices(request, now), selected: [choice], error: errorFor(errors, firstChoiceId('duration')) })}
<h2>Votre accord</h2>
<div class="fr-callout"><p class="fr-callout__text">${consent}</p></div>
<p class="coffre-actions">
<button type="submit" class="fr-btn">J'accepte et je partage</button>
<a class="fr-link" href="/demandes">Annuler</a>
</p>
</form>`;
}

/** Renders the confirmation before refusing a request. */
export function refuseRequestPage(request: AccessRequestView, csrfToken: string): SafeHtml {
  return html`<h1>Refuser la demande de ${request.partner.name} ?</h1>
<p>${request.partner.name} saura que vous avez refusé et n'aura accès à aucun document.</p>
<form method="post" action="/demandes/${request.id}/refuser">
${csrfField(csrfToken)}
<p class="coffre-actions">
<button type="submit" class="fr-btn fr-btn--danger">Refuser la demande</button>
<a class="fr-link" href="/demandes">Annuler</a>
</p>
</form>`;
}
