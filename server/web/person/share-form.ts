import {
  DOCUMENT_CATEGORIES,
  PURPOSES,
  PURPOSE_TEXT_MAX_LENGTH,
  PURPOSE_TEXT_MIN_LENGTH,
  hasAcceptedPurposeTextLength,
  normalizePurposeText,
  type DocumentCategory,
  type Purpose,
} from '../../../policies/index.js';
import { firstChoiceId, formValue, formValues, type FormErrors } from '../forms.js';

/** The end date presets a person chooses from, in months. */
export const DURATION_MONTHS = [1, 3, 6, 12] as const;

/** Values of the share form as typed, shown again unchanged after a refusal. */
export interface ShareFormValues {
  partnerId: string;
  purpose: string;
  purposeText: string;
  documentIds: string[];
  categories: string[];
  months: string;
}

/** A share whose every value was checked against the person's documents and the partner directory. */
export interface CheckedShare {
  partnerId: string;
  purpose: Purpose;
  /** Set only for the purpose `other`. */
  purposeText: string | null;
  documentIds: string[];
  categories: DocumentCategory[];
  months: number;
}

/** Reads the share form's fields from a parsed urlencoded body. */
export function readShareForm(body: unknown): ShareFormValues {
  return {
    partnerId: formValue(body, 'partnerId'),
    purpose: formValue(body, 'purpose'),
    purposeText: formValue(body, 'purposeText'),
    documentIds: formValues(body, 'documentIds'),
    categories: formValues(body, 'categories'),
    months: formValue(body, 'months') || '3',
  };
}

/**
 * Checks the form against what the page offered: a listed partner, a known
 * purpose (with its text for `other`), the person's own documents or known
 * categories, at least one of them, and a preset duration. The grant policy
 * checks all of it again when the grant is created.
 */
export function checkShareForm(
  values: ShareFormValues,
  offered: { partnerIds: ReadonlySet<string>; documentIds: ReadonlySet<string> },
): { share: CheckedShare; errors: [] } | { share: null; errors: FormErrors } {
  const errors: FormErrors = [];
  if (!offered.partnerIds.has(values.partnerId)) errors.push({ fieldId: 'partnerId', message: 'Choisissez dans la liste le partenaire avec qui partager.' });

  const purpose = (PURPOSES as readonly string[]).includes(values.purpose) ? (values.purpose as Purpose) : null;
  if (purpose === null) errors.push({ fieldId: firstChoiceId('purpose'), message: 'Choisissez la finalité du partage : pourquoi le partenaire a besoin de ces documents.' });
  const purposeText = purpose === 'other' ? normalizePurposeText(values.purposeText) : null;
  if (purpose === 'other' && (purposeText === null || !hasAcceptedPurposeTextLength(purposeText))) {
    errors.push({ fieldId: 'purposeText', message: `Précisez la finalité en quelques mots, de ${PURPOSE_TEXT_MIN_LENGTH} à ${PURPOSE_TEXT_MAX_LENGTH} caractères.` });
  }

  const documentIds = values.documentIds.filter((id) => offered.documentIds.has(id));
  const categories = DOCUMENT_CATEGORIES.filter((category) => values.categories.includes(category));
  const unknownChoice = documentIds.length !== values.documentIds.length || categories.length !== values.categories.length;
  if (unknownChoice || documentIds.length + categories.length === 0) {
    const fieldId = offered.documentIds.size > 0 ? firstChoiceId('documentIds') : firstChoiceId('categories');
    errors.push({ fieldId, message: 'Choisissez au moins un document ou une catégorie de documents à partager.' });
  }

  const months = Number(values.months);
  if (!(DURATION_MONTHS as readonly number[]).includes(months)) errors.push({ fieldId: firstChoiceId('months'), message: 'Choisissez la durée du partage dans la liste.' });

  if (errors.length > 0 || purpose === null) return { share: null, errors };
  return { share: { partnerId: values.partnerId, purpose, purposeText, documentIds, categories, months }, errors: [] };
}
