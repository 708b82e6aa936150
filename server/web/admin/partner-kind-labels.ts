import type { PartnerKind } from '../../partners/partner.types.js';

/** French label of each partner kind, as the administrator's pages show it. */
export const PARTNER_KIND_LABELS: Readonly<Record<PartnerKind, string>> = Object.freeze({
  mdph: 'MDPH (maison départementale des personnes handicapées)',
  cap_emploi: 'Cap emploi',
  france_travail: 'France Travail',
  mission_locale: 'Mission locale',
  training_centre: 'Organisme de formation',
  employer: 'Employeur (référent handicap)',
  agefiph_fiphfp: 'Agefiph ou FIPHFP',
  other: 'Autre organisme',
});
