import { AppError } from '../../errors/app-error.js';
import { AUDIT_CHAIN_COUNT } from '../../../audit/chains.js';
import { parseExportQuery } from '../../dpo/audit-query.js';
import type { FieldError } from './staff-form-html.js';

/** The export form as typed, and the range it resolves to when it has no errors. */
export interface ExportForm {
  values: { chain: string; fromSeq: string; toSeq: string };
  errors: FieldError[];
  /** Contiguous range of one chain to export, set only when the form was sent without errors. */
  range: { chain: number; fromSeq: number; toSeq: number } | null;
  /** Last entry of the chosen chain, once the chain is valid. */
  headSeq: number | null;
}

/** Element ids of the export form's fields, which the error summary links to. */
export const EXPORT_FIELD_IDS = { chain: 'export-chaine', fromSeq: 'export-debut', toSeq: 'export-fin' } as const;

/**
 * Reads the range form: a chain, then a contiguous range of its entry
 * numbers, the whole chain by default. Each value goes through the API's own
 * validation (`parseExportQuery`). The range must also end at or before the
 * chain's last entry, because the API would otherwise reject or shorten it.
 * A page opened without any of the three fields has no range and no error.
 */
export async function readExportForm(query: Record<string, unknown>, headSeqOf: (chain: number) => Promise<number>): Promise<ExportForm> {
  const values = { chain: text(query.chain), fromSeq: text(query.fromSeq), toSeq: text(query.toSeq) };
  const errors: FieldError[] = [];
  if (query.chain === undefined && query.fromSeq === undefined && query.toSeq === undefined) {
    return { values, errors, range: null, headSeq: null };
  }

  const chain = values.chain === '' || typeof query.chain === 'object' ? null : readChain(values.chain);
  if (chain === null) {
    errors.push({ fieldId: EXPORT_FIELD_IDS.chain, message: `Le numéro de chaîne est invalide : saisissez un nombre de 0 à ${AUDIT_CHAIN_COUNT - 1}, comme indiqué dans le journal.` });
    return { values, errors, range: null, headSeq: null };
  }
  const headSeq = await headSeqOf(chain);
  if (headSeq === 0) {
    errors.push({ fieldId: EXPORT_FIELD_IDS.chain, message: `La chaîne ${chain} est vide : choisissez une chaîne indiquée dans le journal.` });
    return { values, errors, range: null, headSeq };
  }

  const fromSeq = values.fromSeq === '' ? 1 : readSeq(values.fromSeq);
  const toSeq = values.toSeq === '' ? headSeq : readSeq(values.toSeq);
  if (fromSeq === null || typeof query.fromSeq === 'object') {
    errors.push({ fieldId: EXPORT_FIELD_IDS.fromSeq, message: 'Le premier numéro est invalide : saisissez un nombre entier à partir de 1.' });
  } else if (fromSeq > headSeq) {
    errors.push({ fieldId: EXPORT_FIELD_IDS.fromSeq, message: `Le premier numéro dépasse la dernière entrée de la chaîne : saisissez un numéro de 1 à ${headSeq}.` });
  }
  if (toSeq === null || typeof query.toSeq === 'object') {
    errors.push({ fieldId: EXPORT_FIELD_IDS.toSeq, message: 'Le dernier numéro est invalide : saisissez un nombre entier à partir de 1.' });
  } else if (toSeq > headSeq) {
    errors.push({ fieldId: EXPORT_FIELD_IDS.toSeq, message: `Le dernier numéro dépasse la dernière entrée de la chaîne : saisissez un numéro de 1 à ${headSeq}.` });
  } else if (fromSeq !== null && toSeq < fromSeq) {
    errors.push({ fieldId: EXPORT_FIELD_IDS.toSeq, message: 'Le dernier numéro est plus petit que le premier : saisissez un numéro égal ou supérieur au premier.' });
  }

  if (errors.length > 0 || fromSeq === null || toSeq === null) return { values, errors, range: null, headSeq };
  return { values, errors, range: { chain, fromSeq, toSeq }, headSeq };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function readChain(value: string): number | null {
  return validated(() => parseExportQuery({ chain: value }).chain ?? null);
}

function readSeq(value: string): number | null {
  return validated(() => parseExportQuery({ chain: '0', fromSeq: value }).fromSeq ?? null);
}

function validated(read: () => number | null): number | null {
  try {
    return read();
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation_failed') return null;
    throw error;
  }
}
