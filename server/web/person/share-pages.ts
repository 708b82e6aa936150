import { PURPOSES, addUtcMonths, type DocumentCategory } from '../../../policies/index.js';
import type { DocumentView } from '../../documents/document.types.js';
import { CURRENT_CONSENT_VERSION, currentConsentText } from '../../grants/consent-text.js';
import { CATEGORY_LABELS, PURPOSE_LABELS } from '../../grants/purpose-labels.js';
import { formatDay } from '../dates.js';
import { choiceFieldset, csrfField, errorFor, errorSummary, firstChoiceId, selectField, textField, type FormErrors } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { CATEGORY_CHOICES } from './document-pages.js';
import { DURATION_MONTHS, type CheckedShare, type ShareFormValues } from './share-form.js';

/** A partner as the share form lists it. */
export interface PartnerChoice {
  id: string;
  name: string;
}

/** Everything the share form offers: the partner directory and the person's documents. */
export interface ShareOffer {
  partners: readonly PartnerChoice[];
  documents: readonly DocumentView[];
}

const PURPOSE_CHOICES = PURPOSES.map((purpose) => ({ value: purpose, label: PURPOSE_LABELS[purpose].fr }));

/** Renders the "Partager" form: partner, purpose, documents or categories, duration. */
export function shareFormPage(offer: ShareOffer, values: ShareFormValues, errors: FormErrors, csrfToken: string, now: Date): SafeHtml {
  if (offer.partners.length === 0) {
    return html`<h1>Partager des documents</h1>
<p>Aucun partenaire n'est inscrit dans le coffre pour le moment. Vous pourrez partager vos documents dès qu'un partenaire sera inscrit.</p>`;
  }
  const durationChoices = DURATION_MONTHS.map((months) => ({
    value: String(months),
    label: months === 12 ? '1 an' : `${months} mois`,
    hint: `jusqu'au ${formatDay(addUtcMonths(now, months))}`,
  }));
  const documentChoices = offer.documents.map((document) => ({ value: document.id, label: document.title, hint: CATEGORY_LABELS[document.category].fr }));

  return html`<h1>Partager des documents</h1>
<p>Vous choisissez avec qui vous partagez, pour quoi, quels documents et jusqu'à quand. Vous pourrez vérifier votre choix avant de le confirmer, et arrêter le partage à tout moment.</p>
${errorSummary(errors)}
<form method="post" action="/partager" novalidate>
${csrfField(csrfToken)}
${selectField({ id: 'partnerId', name: 'partnerId', legend: 'Partenaire', hint: 'L\'organisme qui pourra consulter vos documents.', choices: offer.partners.map((partner) => ({ value: partner.id, label: partner.name })), selected: values.partnerId ? [values.partnerId] : [], error: errorFor(errors, 'partnerId') })}
${choiceFieldset({ type: 'radio', id: 'purpose', name: 'purpose', legend: 'Finalité du partage', hint: 'Pourquoi le partenaire a besoin de ces documents.', choices: PURPOSE_CHOICES, selected: [values.purpose], error: errorFor(errors, firstChoiceId('purpose')) })}
${textField({ id: 'purposeText', name: 'purposeText', label: 'Précisez la finalité', hint: 'Seulement si vous avez choisi « Autre finalité ».', value: values.purposeText, multiline: true, error: errorFor(errors, 'purposeText') })}
${offer.documents.length > 0 ? choiceFieldset({ type: 'checkbox', id: 'documentIds', name: 'documentIds', legend: 'Documents à partager', choices: documentChoices, selected: values.documentIds, error: errorFor(errors, firstChoiceId('documentIds')) }) : html`<p>Votre coffre ne contient encore aucun document. Vous pouvez partager une catégorie entière : les documents que vous y ajouterez seront partagés.</p>`}
${choiceFieldset({ type: 'checkbox', id: 'categories', name: 'categories', legend: 'Ou des catégories entières', hint: 'Les documents que vous ajouterez plus tard dans ces catégories seront aussi partagés.', choices: CATEGORY_CHOICES, selected: values.categories, error: errorFor(errors, firstChoiceId('categories')) })}
${choiceFieldset({ type: 'radio', id: 'months', name: 'months', legend: 'Durée du partage', hint: 'Le partage s\'arrête seul à cette date.', choices: durationChoices, selected: [values.months], error: errorFor(errors, firstChoiceId('months')) })}
<p><button type="submit" class="fr-btn">Vérifier le partage</button></p>
</form>`;
}

/** Facts of a share that the confirmation page and the consent text show. */
export interface ShareSummary {
  partnerName: string;
  purposeLabel: string;
  /** Titles of the listed documents, then one line per whole category. */
  scope: string[];
  startsAt: Date;
  endsAt: Date;
}

/** Builds the plain-words summary of a checked share. */
export function summarizeShare(share: CheckedShare, offer: ShareOffer, now: Date): ShareSummary {
  const titles = new Map(offer.documents.map((document) => [document.id, document.title]));
  const purposeLabel = share.purpose === 'other' ? `${PURPOSE_LABELS.other.fr} : ${share.purposeText ?? ''}` : PURPOSE_LABELS[share.purpose].fr;
  return {
    partnerName: offer.partners.find((partner) => partner.id === share.partnerId)?.name ?? '',
    purposeLabel,
    scope: [
      ...share.documentIds.map((id) => `« ${titles.get(id) ?? ''} »`),
      ...share.categories.map((category: DocumentCategory) => `tous les documents de la catégorie « ${CATEGORY_LABELS[category].fr} », y compris ceux ajoutés plus tard`),
    ],
    startsAt: now,
    endsAt: addUtcMonths(now, share.months),
  };
}

/** Fills the current consent text's placeholders with the share's values. */
export function consentSentence(summary: ShareSummary): string {
  const values: Record<string, string> = {
    partner: summary.partnerName,
    purpose: summary.purposeLabel,
    documents: summary.scope.join(', '),
    startsAt: formatDay(summary.startsAt),
    endsAt: formatDay(summary.endsAt),
  };
  return currentConsentText().text.fr.replace(/\{(\w+)\}/g, (placeholder, name: string) => values[name] ?? placeholder);
}

/**
 * The confirmation page: what the partner will see, for what, until when,
 * and the consent text. Its form repeats the checked values in hidden
 * fields, with the consent version shown and a key that makes a second
 * click create nothing more.
 */
export function shareConfirmationPage(share: CheckedShare, summary: ShareSummary, csrfToken: string, idempotencyKey: string): SafeHtml {
  return html`<h1>Vérifiez votre partage</h1>
<dl>
<dt><strong>Avec qui</strong></dt><dd>${summary.partnerName}</dd>
<dt><strong>Pour quoi</strong></dt><dd>${summary.purposeLabel}</dd>
<dt><strong>Quels documents</strong></dt><dd><ul>${summary.scope.map((line) => html`<li>${line}</li>`)}</ul></dd>
<dt><strong>Jusqu'à quand</strong></dt><dd>Du ${formatDay(summary.startsAt)} au ${formatDay(summary.endsAt)}. Vous pouvez arrêter ce partage avant, à tout moment.</dd>
</dl>
<h2>Votre accord</h2>
<div class="fr-callout"><p class="fr-callout__text">${consentSentence(summary)}</p></div>
<form method="post" action="/partager/confirmer">
${csrfField(csrfToken)}
<input type="hidden" name="partnerId" value="${share.partnerId}">
<input type="hidden" name="purpose" value="${share.purpose}">
<input type="hidden" name="purposeText" value="${share.purposeText ?? ''}">
${share.documentIds.map((id) => html`<input type="hidden" name="documentIds" value="${id}">\n`)}${share.categories.map((category) => html`<input type="hidden" name="categories" value="${category}">\n`)}<input type="hidden" name="months" value="${share.months}">
<input type="hidden" name="consentVersion" value="${CURRENT_CONSENT_VERSION}">
<input type="hidden" name="idempotencyKey" value="${idempotencyKey}">
<p class="coffre-actions">
<button type="submit" class="fr-btn" name="action" value="confirmer">Je donne mon accord et je partage</button>
<button type="submit" class="fr-btn fr-btn--secondary" name="action" value="modifier">Modifier mes choix</button>
</p>
</form>`;
}
