import { AppError } from '../errors/app-error.js';
import { decodeCursor, encodeCursor, type ListPosition } from './page-cursor.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** A validated `limit` and `cursor` of a newest-first listing. */
export interface PageQuery {
  limit: number;
  after?: ListPosition;
}

/**
 * Validates a listing's `limit` (1 to 200, default 50) and `cursor` from a
 * previous page, and rejects any key other than those and `extraFields`,
 * which the caller validates itself.
 */
export function parsePageQuery(query: Record<string, unknown>, extraFields: readonly string[] = []): PageQuery {
  const accepted = ['limit', 'cursor', ...extraFields];
  for (const key of Object.keys(query)) {
    if (!accepted.includes(key)) {
      throw new AppError('validation_failed', {
        field: key.slice(0, 40),
        reason: `paramètre inconnu ; les paramètres acceptés sont ${accepted.join(', ')}`,
        reasonEn: `unknown parameter; the accepted parameters are ${accepted.join(', ')}`,
      });
    }
  }

  const page: PageQuery = { limit: DEFAULT_PAGE_SIZE };
  const limit = singleQueryValue(query, 'limit');
  if (limit !== undefined) page.limit = parseLimit(limit);

  const cursor = singleQueryValue(query, 'cursor');
  if (cursor !== undefined) page.after = decodeCursor(cursor);
  return page;
}

/**
 * Returns a query value that must be given at most once. Express gives an
 * array for a repeated key, which is a `validation_failed` on that field.
 */
export function singleQueryValue(query: Record<string, unknown>, field: string): string | undefined {
  const value = query[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new AppError('validation_failed', { field, reason: 'une seule valeur est attendue', reasonEn: 'a single value is expected' });
  }
  return value;
}

/** Cuts the extra row that a repository read past `limit` and builds the next cursor. */
export function toPage<T extends ListPosition>(rows: readonly T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
  return { items, nextCursor };
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
