import { AppError } from '../errors/app-error.js';
import { parsePageQuery, singleQueryValue, type PageQuery } from '../http/page-query.js';
import { DOCUMENT_CATEGORIES, isDocumentCategory, type DocumentCategory } from './document-category.js';

/** A validated `GET /api/v1/documents` query. */
export interface DocumentListQuery extends PageQuery {
  category?: DocumentCategory;
}

/** Validates the listing's query string: the page, and an optional `category`. */
export function parseDocumentListQuery(query: Record<string, unknown>): DocumentListQuery {
  const result: DocumentListQuery = parsePageQuery(query, ['category']);

  const category = singleQueryValue(query, 'category');
  if (category !== undefined) {
    if (!isDocumentCategory(category)) {
      throw new AppError('category_unknown', { category: category.slice(0, 40), allowed: DOCUMENT_CATEGORIES.join(', ') });
    }
    result.category = category;
  }
  return result;
}
