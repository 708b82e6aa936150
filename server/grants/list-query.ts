import { AppError } from '../errors/app-error.js';
import { decodeCursor, encodeCursor } from '../documents/document-cursor.js';
import type { ListPosition } from './grant.types.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** A validated `limit` and `cursor` of a newest-first listing. */
export interface PageQuery {
  limit: number;
  after?: ListPosition;
}

/**
 * Validates a listing's query string: `limit` (1 to 200, default 50) and
 * `cursor` from a previous page. Express gives an array for a repeated key,
 * so each value is checked for type first. Unknown keys are rejected.
 */
export function parsePageQuery(query: Record<string, unknown>): PageQuery {
  for (const key of Object.keys(query)) {
    if (key !== 'limit' && key !== 'cursor') {
      throw new AppError('validation_failed', {
        field: key.slice(0, 40),
        reason: 'paramètre inconnu ; les paramètres acceptés sont limit et cursor',
        reasonEn: 'unknown parameter; the accepted parameters are limit and cursor',
      });
    }
  }
  const page: PageQuery = { limit: DEFAULT_PAGE_SIZE };
  const limit = singleValue(query, 'limit');
  if (limit !== undefined) {
    const value = /^[0-9]{1,4}$/.test(limit) ? Number(limit) : Number.NaN;
    if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
      throw new AppError('validation_failed', {
        field: 'limit',
        reason: `nombre entier de 1 à ${MAX_PAGE_SIZE} attendu`,
        reasonEn: `an integer from 1 to ${MAX_PAGE_SIZE} is expected`,
      });
    }
    page.limit = value;
  }
  const cursor = singleValue(query, 'cursor');
  if (cursor !== undefined) page.after = decodeCursor(cursor);
  return page;
}

/** Cuts the extra row that a repository read past `limit` and builds the next cursor. */
export function toPage<T extends ListPosition>(rows: readonly T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
  return { items, nextCursor };
}

function singleValue(query: Record<string, unknown>, field: string): string | undefined {
  const value = query[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new AppError('validation_failed', { field, reason: 'une seule valeur est attendue', reasonEn: 'a single value is expected' });
  }
  return value;
}
