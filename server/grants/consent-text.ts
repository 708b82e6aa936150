import type { Locale } from '../i18n/locale.js';

/**
 * The consent text that a person reads before creating a grant. A grant
 * stores the version it was created under, so a changed wording gets a new
 * version. Old versions stay here unchanged, because the text a person
 * agreed to must remain readable for as long as the grant's history is kept.
 */
export interface ConsentText {
  /** Version id: year, month and a counter, such as `2026-12-v1`. */
  version: string;
  /** The text with `{partner}`, `{purpose}`, `{documents}`, `{startsAt}` and `{endsAt}` placeholders. */
  text: Record<Locale, string>;
}

/** Placeholders that every consent text contains, filled in by the page that shows it. */
export const CONSENT_PLACEHOLDERS = ['partner', 'purpose', 'documents', 'startsAt', 'endsAt'] as const;

const CONSENT_TEXTS: readonly ConsentText[] = Object.freeze([
  {
    version: '2026-12-v1',
    text: {
      fr:
        'J\'autorise {partner} à consulter dans mon coffre les documents suivants : {documents}. ' +
        'Finalité du partage : {purpose}. Ce partage commence le {startsAt} et prend fin le {endsAt} ; ' +
        'après cette date, {partner} n\'aura plus accès à ces documents. ' +
        'Je peux révoquer ce partage à tout moment depuis mon coffre, avec effet immédiat. ' +
        'Chaque consultation par {partner} est enregistrée dans mon historique des accès. ' +
        'Les documents que {partner} a déjà téléchargés restent sous sa responsabilité, ' +
        'et il ne peut les utiliser que pour cette finalité.',
      en:
        'I allow {partner} to read the following documents in my vault: {documents}. ' +
        'Purpose of the grant: {purpose}. This grant starts on {startsAt} and ends on {endsAt}; ' +
        'after that date, {partner} will no longer have access to these documents. ' +
        'I can revoke this grant at any time from my vault, with immediate effect. ' +
        'Each access by {partner} is recorded in my access history. ' +
        'Documents that {partner} has already downloaded remain its responsibility, ' +
        'and it may use them only for this purpose.',
    },
  },
]);

/** The version that new grants are created under. */
export const CURRENT_CONSENT_VERSION = '2026-12-v1';

/** Returns the consent text of a version, or undefined for an unknown version. */
export function findConsentText(version: string): ConsentText | undefined {
  return CONSENT_TEXTS.find((text) => text.version === version);
}

/** Returns the consent text that new grants are created under. */
export function currentConsentText(): ConsentText {
  const text = findConsentText(CURRENT_CONSENT_VERSION);
  if (!text) throw new Error(`consent text ${CURRENT_CONSENT_VERSION} is missing from CONSENT_TEXTS`);
  return text;
}
