import { AppError } from '../errors/app-error.js';
import { DOCUMENT_CATEGORIES, isDocumentCategory, type DocumentCategory } from './document-category.js';

export const MAX_TITLE_LENGTH = 200;
export const MAX_FILE_NAME_LENGTH = 255;

// C0 and C1 control characters: line breaks and tabs have no place in a
// title or a file name, and would garble the Content-Disposition fallback.
const CONTROL_CHARACTERS = /\p{Cc}/u;

/** Text fields of an upload form, as received so far. */
export interface UploadFields {
  category?: DocumentCategory;
  /** Trimmed; absent or blank means "derive it from the file name". */
  title?: string;
}

/**
 * Validates one text field of the upload form and stores it in `fields`.
 * Returns the error to respond with, or undefined when the field is accepted.
 * `_csrf` is accepted and ignored: the CSRF check has already read the header.
 */
export function acceptUploadField(fields: UploadFields, seen: Set<string>, name: string, value: string, truncated: boolean): AppError | undefined {
  if (name === '_csrf') return undefined;
  if (name !== 'category' && name !== 'title') {
    return invalid(name.slice(0, 40), 'champ inconnu ; les champs acceptés sont category, title et file', 'unknown field; the accepted fields are category, title and file');
  }
  if (seen.has(name)) return invalid(name, 'champ envoyé plusieurs fois', 'field sent more than once');
  seen.add(name);

  if (name === 'category') {
    if (!isDocumentCategory(value)) {
      return new AppError('category_unknown', { category: value.slice(0, 40), allowed: DOCUMENT_CATEGORIES.join(', ') });
    }
    fields.category = value;
    return undefined;
  }

  const title = value.trim();
  if (truncated || [...title].length > MAX_TITLE_LENGTH) {
    return invalid('title', `le titre dépasse ${MAX_TITLE_LENGTH} caractères`, `the title is longer than ${MAX_TITLE_LENGTH} characters`);
  }
  if (CONTROL_CHARACTERS.test(title)) {
    return invalid('title', 'le titre contient un caractère de contrôle (retour à la ligne, tabulation…)', 'the title contains a control character (line break, tab…)');
  }
  if (title !== '') fields.title = title;
  return undefined;
}

/** Checks the file name that the client sent and returns the error to respond with, if any. */
export function checkFileName(fileName: string): AppError | undefined {
  if ([...fileName].length > MAX_FILE_NAME_LENGTH) {
    return invalid('file', `le nom du fichier dépasse ${MAX_FILE_NAME_LENGTH} caractères`, `the file name is longer than ${MAX_FILE_NAME_LENGTH} characters`);
  }
  if (CONTROL_CHARACTERS.test(fileName)) {
    return invalid('file', 'le nom du fichier contient un caractère de contrôle', 'the file name contains a control character');
  }
  return undefined;
}

/** Derives the title used when the form has none: the file name without its extension. */
export function defaultTitle(fileName: string): string {
  const withoutExtension = fileName.replace(/\.[^.]*$/, '').trim();
  const title = withoutExtension === '' ? fileName : withoutExtension;
  return [...title].slice(0, MAX_TITLE_LENGTH).join('');
}

/** Builds the `file_too_large` error, with the maximum in megabytes (MiB, one decimal) for its message. */
export function fileTooLarge(maxBytes: number): AppError {
  return new AppError('file_too_large', { maxMegabytes: Math.round((maxBytes / (1024 * 1024)) * 10) / 10 });
}

function invalid(field: string, reason: string, reasonEn: string): AppError {
  return new AppError('validation_failed', { field, reason, reasonEn });
}
