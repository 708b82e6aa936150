import { DOCUMENT_CATEGORIES, type DocumentCategory } from '../../policies/index.js';

export { DOCUMENT_CATEGORIES, type DocumentCategory };

/** Returns true when `value` is one of the six document categories. */
export function isDocumentCategory(value: string): value is DocumentCategory {
  return (DOCUMENT_CATEGORIES as readonly string[]).includes(value);
}
