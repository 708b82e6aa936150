import { AppError } from '../../errors/app-error.js';
import { parseExportQuery } from '../../dpo/audit-query.js';
import type { FieldError } from './staff-form-html.js';

/** The export form as typed, and the range it resolves to when it has no errors. */
export interface ExportForm {
  values: { fromSeq: string; toSeq: string };
  errors: FieldError[];
  /** Contiguous range of entries to export, set only when there are no errors. */
  range: { fromSeq: number; toSeq: number } | null;
}

/** Element ids of the export form's fields, which the error summary links to. */
export const EXPORT_FIELD_IDS = { fromSeq: 'export-debut', toSeq: 'export-fin' } as const;

/**
 * Reads the export form: a contiguous range of entry numbers, the whole
 * journal by default. Each number goes through the API's own validation
 * (`parseExportQuery`). The range must also end at or before the head,
 * because the API would otherwise reject or shorten it.
 */
export function readExportForm(query: Record<string, unknown>, headSeq: number): ExportForm {
  const values = { fromSeq: text(query.fromSeq), toSeq: text(query.toSeq) };
  const errors: FieldError[] = [];

  const fromSeq = values.fromSeq === '' ? 1 : readSeq(values.fromSeq);
  const toSeq = values.toSeq === '' ? headSeq : readSeq(values.toSeq);
  if (fromSeq === null || typeof query.fromSeq === 'object') {
    errors.push({ fieldId: EXPORT_FIELD_IDS.fromSeq, message: 'Le premier numéro est invalide : saisissez un nombre entier à partir de 1.' });
  } else if (fromSeq > headSeq) {
    errors.push({ fieldId: EXPORT_FIELD_IDS.fromSeq, message: `Le premier numéro dépasse la dernière entrée : saisissez un numéro de 1 à ${headSeq}.` });
  }
  if (toSeq === null || typeof query.toSeq === 'object') {
    errors.push({ fieldId: EXPORT_FIELD_IDS.toSeq, message: 'Le dernier numéro est invalide : saisissez un nombre entier à partir de 1.' });
  } else if (toSeq > headSeq) {
    errors.push({ fieldId: EXPORT_FIELD_IDS.toSeq, message: `Le dernier numéro dépasse la dernière entrée : saisissez un numéro de 1 à ${headSeq}.` });
  } else if (fromSeq !== null && toSeq < fromSeq) {
    errors.push({ fieldId: EXPORT_FIELD_IDS.toSeq, message: 'Le dernier numéro est plus petit que le premier : saisissez un numéro égal ou supérieur au premier.' });
  }

  if (errors.length > 0 || fromSeq === null || toSeq === null) return { values, errors, range: null };
  return { values, errors, range: { fromSeq, toSeq } };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function readSeq(value: string): number | null {
  try {
    return parseExportQuery({ fromSeq: value }).fromSeq ?? null;
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation_failed') return null;
    throw error;
  }
}
