import { PARTNER_KINDS } from '../../partners/partner.types.js';
import { MAX_PARTNER_KEYS } from '../../partners/partner-jwks.js';
import { MAX_PARTNER_NAME_LENGTH } from '../../partners/partner-registration.js';
import { csrfFieldHtml, errorFor, errorSummaryHtml, selectHtml, textareaHtml, textInputHtml, type FieldError } from '../dpo/staff-form-html.js';
import { PARTNER_LIST_PATH } from './admin-paths.js';
import { PARTNER_FIELD_IDS, type PartnerFormValues } from './partner-form.js';
import { PARTNER_KIND_LABELS } from './partner-kind-labels.js';

/** Values of an empty registration form. */
export const EMPTY_PARTNER_FORM: PartnerFormValues = { name: '', kind: '', siret: '', jwks: '' };

/**
 * Renders the registration form: name, kind, SIRET and the partner's public
 * keys as a JWK Set, posted with the CSRF token. Errors are listed at the
 * top, linked to their fields, and repeated beside each field.
 */
export function partnerRegistrationHtml(values: PartnerFormValues, errors: FieldError[], csrfToken: string, action: string): string {
  return [
    '<h1>Enregistrer un partenaire</h1>',
    '<p>Le partenaire reçoit un identifiant client une fois enregistré. Son logiciel s\'authentifie ensuite avec une assertion signée par l\'une de ses clés privées, dont vous enregistrez ici les clés publiques.</p>',
    errorSummaryHtml(errors),
    `<form method="post" action="${action}" novalidate>`,
    csrfFieldHtml(csrfToken),
    '<p class="fr-hint-text">Tous les champs sont obligatoires, sauf le SIRET.</p>',
    textInputHtml({
      id: PARTNER_FIELD_IDS.name,
      name: 'name',
      label: 'Nom du partenaire',
      hint: `Tel que les personnes le verront en choisissant à qui partager, ${MAX_PARTNER_NAME_LENGTH} caractères au plus.`,
      value: values.name,
      error: errorFor(errors, PARTNER_FIELD_IDS.name),
      autocomplete: 'organization',
    }),
    selectHtml({
      id: PARTNER_FIELD_IDS.kind,
      name: 'kind',
      label: 'Type de partenaire',
      value: values.kind,
      options: [{ value: '', label: 'Choisir un type' }, ...PARTNER_KINDS.map((kind) => ({ value: kind, label: PARTNER_KIND_LABELS[kind] }))],
      error: errorFor(errors, PARTNER_FIELD_IDS.kind),
    }),
    textInputHtml({
      id: PARTNER_FIELD_IDS.siret,
      name: 'siret',
      label: 'Numéro SIRET (facultatif)',
      hint: '14 chiffres, espaces acceptés, par exemple 732 829 320 00074.',
      value: values.siret,
      error: errorFor(errors, PARTNER_FIELD_IDS.siret),
      inputMode: 'numeric',
      autocomplete: 'off',
    }),
    textareaHtml({
      id: PARTNER_FIELD_IDS.jwks,
      name: 'jwks',
      label: 'Clés publiques de signature (JWKS)',
      hint: `Le jeu de clés au format JSON fourni par le partenaire, de la forme { "keys": [ … ] } : de 1 à ${MAX_PARTNER_KEYS} clés publiques ES256, PS256 ou RS256, chacune avec son « kid ». Jamais de clé privée.`,
      value: values.jwks,
      error: errorFor(errors, PARTNER_FIELD_IDS.jwks),
      rows: 10,
    }),
    '<p class="coffre-actions">',
    '<button class="fr-btn" type="submit">Enregistrer le partenaire</button>',
    `<a class="fr-btn fr-btn--secondary" href="${PARTNER_LIST_PATH}">Annuler</a>`,
    '</p>',
    '</form>',
  ].join('\n');
}
