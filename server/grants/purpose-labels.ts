import type { DocumentCategory, Purpose } from '../../policies/index.js';
import type { Locale } from '../i18n/locale.js';

/** Label of each purpose (finalité), as forms, lists and the consent text show it. */
export const PURPOSE_LABELS: Readonly<Record<Purpose, Record<Locale, string>>> = Object.freeze({
  employment_support: { fr: 'Accompagnement vers l\'emploi ou maintien dans l\'emploi', en: 'Support to find or keep a job' },
  workplace_adjustment: { fr: 'Aménagement du poste de travail', en: 'Workplace adjustment' },
  training_access: { fr: 'Accès à une formation', en: 'Access to training' },
  rights_application: { fr: 'Demande de droits ou de prestations', en: 'Application for rights or benefits' },
  other: { fr: 'Autre finalité', en: 'Other purpose' },
});

/** Label of each document category. */
export const CATEGORY_LABELS: Readonly<Record<DocumentCategory, Record<Locale, string>>> = Object.freeze({
  decision_mdph: { fr: 'Décisions de la MDPH (RQTH, AAH, PCH, CMI, orientation)', en: 'MDPH decisions (RQTH, AAH, PCH, CMI, orientation)' },
  medical: { fr: 'Documents médicaux', en: 'Medical documents' },
  employment: { fr: 'Emploi', en: 'Employment' },
  training: { fr: 'Formation', en: 'Training' },
  identity: { fr: 'Identité', en: 'Identity' },
  other: { fr: 'Autres documents', en: 'Other documents' },
});

/** A category with its label, as the API sends it. */
export interface CategoryView {
  code: DocumentCategory;
  label: string;
}

/** Builds the API view of categories in the order DOCUMENT_CATEGORIES lists them. */
export function categoryViews(categories: readonly DocumentCategory[], locale: Locale): CategoryView[] {
  return categories.map((code) => ({ code, label: CATEGORY_LABELS[code][locale] }));
}
