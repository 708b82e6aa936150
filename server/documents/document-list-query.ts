import { AppError } from '../errors/app-error.js';
import { DOCUMENT_CATEGORIES, isDocumentCategory, type DocumentCategory } from './document-category.js';
import { decodeCursor } from './document-cursor.js';
import type { ListPosition } from './document.types.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

const QUERY_FIELDS = new Set(['limit', 'cursor', 'category']);

/** A validated `GET /api/v1/documents` query. */
export interface DocumentListQuery {
  limit: number;
  after?: ListPosition;
  category?: DocumentCategory;
}

/**
 * Validates the listing's query string. Express gives an array for a
 * repeated key and the parser gives strings otherwise, so each value is
 * checked for type before its content. Unknown keys are rejected.
 */
export function parseDocumentListQuery(query: Record<string, unknown>): DocumentListQuery {
  for (const key of Object.keys(query)) {
    if (!QUERY_FIELDS.has(key)) {
      throw new AppError('validation_failed', {
        field: key.slice(0, 40),
        reason: 'paramètre inconnu ; les paramètres acceptés sont limit, cursor et category',
        reasonEn: 'unknown parameter; the accepted parameters are limit, cursor and category',
      });
    }
  }

  const result: DocumentListQuery = { limit: DEFAULT_PAGE_SIZE };
  const limit = singleValue(query, 'limit');
  if (limit !== undefined) result.limit = parseLimit(limit);

  const cursor = singleValue(query, 'cursor');
  if (cursor !== undefined) result.after = decodeCursor(cursor);

  const category = singleValue(query, 'category');
  if (category !== undefined) {
    if (!isDocumentCategory(category)) {
      throw new AppError('category_unknown', { category: category.slice(0, 40), allowed: DOCUMENT_CATEGORIES.join(', ') });
    }
    result.category = category;
  }
  return result;
}

function singleValue(query: Record<string, unknown>, field: string): string | undefined {
  const value = query[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new AppError('validation_failed', {
      field,
      reason: 'une seule valeur est attendue',
      reasonEn: 'a single value is expected',
    });
  }
  return value;
}

function parseLimit(value: string): number {
  const limit = /^[0-9]{1,4}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new AppError('validation_failed', {
      field: 'limit',
      reason: `nombre entier de 1 à ${MAX_PAGE_SIZE} attendu`,
      reasonEn: `an integer from 1 to ${MAX_PAGE_SIZE} is expected`,
    });
  }
  return limit;
}
