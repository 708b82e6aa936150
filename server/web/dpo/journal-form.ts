import { AppError } from '../../errors/app-error.js';
import { DEFAULT_PAGE_SIZE, parseJournalQuery, type JournalQuery } from '../../dpo/audit-query.js';
import type { FieldError } from './staff-form-html.js';
import { formatCalendarDay, isAfterDay, nextCalendarDay, parisMidnight, parseCalendarDay, type CalendarDay } from './paris-time.js';

/** The journal's filter form, as typed: every field as text, empty when unset. */
export interface JournalFormValues {
  personId: string;
  partnerId: string;
  action: string;
  outcome: string;
  /** First day, inclusive, as `AAAA-MM-JJ` or `JJ/MM/AAAA`. */
  from: string;
  /** Last day, inclusive. */
  to: string;
}

/** The outcome of reading the form: the values to show again, and either a query or the errors. */
export interface JournalForm {
  values: JournalFormValues;
  errors: FieldError[];
  /** Message for an invalid cursor in the page link, which no field of the form contains. */
  linkError: string | null;
  /** The API's query, set only when there are no errors. */
  query: JournalQuery | null;
}

const FIELDS = ['personId', 'partnerId', 'action', 'outcome', 'from', 'to'] as const;

// Element ids of the form's fields, which the error summary links to.
export const JOURNAL_FIELD_IDS: Readonly<Record<(typeof FIELDS)[number], string>> = {
  personId: 'filtre-personne',
  partnerId: 'filtre-partenaire',
  action: 'filtre-action',
  outcome: 'filtre-resultat',
  from: 'filtre-du',
  to: 'filtre-au',
};

const MESSAGES = {
  personId: 'L\'identifiant de la personne est invalide : saisissez l\'identifiant tel qu\'il apparaît dans le journal, par exemple 3f0c2a4e-8d1b-4c6f-9a57-2e41b7d05c93.',
  partnerId: 'Ce partenaire est inconnu : choisissez un partenaire dans la liste.',
  action: 'Cette action est inconnue : choisissez une action dans la liste.',
  outcome: 'Ce résultat est inconnu : choisissez « Autorisé », « Refusé » ou « Tous ».',
  from: 'La date de début est invalide : saisissez une date au format jj/mm/aaaa, par exemple 31/01/2026.',
  to: 'La date de fin est invalide : saisissez une date au format jj/mm/aaaa, par exemple 31/01/2026.',
  order: 'La date de fin est avant la date de début : saisissez une date de fin égale ou postérieure au début.',
  cursor: 'Le lien vers cette page de résultats est invalide : relancez la recherche depuis le formulaire.',
} as const;

/**
 * Reads the journal's GET form. Each field is checked on its own through the
 * API's own validation (`parseJournalQuery`), so the page accepts exactly
 * what `GET /dpo/v1/audit/events` accepts, and every invalid field gets its
 * message at once. Days are Paris calendar days: `from` starts at midnight
 * of the first day and `to` ends at midnight after the last one.
 */
export function readJournalForm(query: Record<string, unknown>, knownActions: ReadonlySet<string>): JournalForm {
  const values = {} as JournalFormValues;
  const errors: FieldError[] = [];
  for (const field of FIELDS) {
    const value = query[field];
    values[field] = typeof value === 'string' ? value.trim() : '';
    // A repeated key arrives as an array, which no field of this form sends.
    if (value !== undefined && typeof value !== 'string') errors.push({ fieldId: JOURNAL_FIELD_IDS[field], message: MESSAGES[field] });
  }

  const apiQuery: Record<string, string> = { limit: String(DEFAULT_PAGE_SIZE) };
  for (const field of ['personId', 'partnerId', 'action', 'outcome'] as const) {
    const value = values[field];
    if (value === '' || errors.some((error) => error.fieldId === JOURNAL_FIELD_IDS[field])) continue;
    const accepted = acceptedByApi({ [field]: value }) && (field !== 'action' || knownActions.has(value));
    if (accepted) apiQuery[field] = value;
    else errors.push({ fieldId: JOURNAL_FIELD_IDS[field], message: MESSAGES[field] });
  }

  const from = readDay(values.from);
  const to = readDay(values.to);
  if (from === null) errors.push({ fieldId: JOURNAL_FIELD_IDS.from, message: MESSAGES.from });
  if (to === null) errors.push({ fieldId: JOURNAL_FIELD_IDS.to, message: MESSAGES.to });
  if (from && to && isAfterDay(from, to)) errors.push({ fieldId: JOURNAL_FIELD_IDS.to, message: MESSAGES.order });
  // Shown again as AAAA-MM-JJ, the only value a date input keeps.
  if (from) values.from = formatCalendarDay(from);
  if (to) values.to = formatCalendarDay(to);
  if (from) apiQuery.from = parisMidnight(from).toISOString();
  if (to) apiQuery.to = parisMidnight(nextCalendarDay(to)).toISOString();

  let linkError: string | null = null;
  const cursor = query.cursor;
  if (cursor !== undefined) {
    if (typeof cursor === 'string' && acceptedByApi({ cursor })) apiQuery.cursor = cursor;
    else linkError = MESSAGES.cursor;
  }

  if (errors.length > 0 || linkError !== null) return { values, errors, linkError, query: null };
  return { values, errors, linkError, query: parseJournalQuery(apiQuery) };
}

/** Returns the query string of the current filters, without the cursor, for the next page's link and the exports. */
export function filterParameters(values: JournalFormValues): URLSearchParams {
  const parameters = new URLSearchParams();
  for (const field of FIELDS) if (values[field] !== '') parameters.set(field, values[field]);
  return parameters;
}

// undefined: the field is empty. null: it is not a day.
function readDay(text: string): CalendarDay | null | undefined {
  if (text === '') return undefined;
  return parseCalendarDay(text);
}

function acceptedByApi(query: Record<string, string>): boolean {
  try {
    parseJournalQuery(query);
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation_failed') return false;
    throw error;
  }
}
