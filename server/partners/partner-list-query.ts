import { AppError } from '../errors/app-error.js';
import { decodeCursor, type ListPosition } from './partner-cursor.js';
import type { PartnerStatus } from './partner.types.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

const QUERY_FIELDS = new Set(['limit', 'cursor', 'status']);

/** A validated `GET /admin/v1/partners` query. */
export interface PartnerListQuery {
  limit: number;
  after?: ListPosition;
  status?: PartnerStatus;
}

/**
 * Validates the registry listing's query string: `limit` (1 to 200, default 50),
 * `cursor` and `status`. Express gives an array for a repeated key, so each value is
 * checked for type before its content. Unknown keys are rejected.
 */
export function parsePartnerListQuery(query: Record<string, unknown>): PartnerListQuery {
  for (const key of Object.keys(query)) {
    if (!QUERY_FIELDS.has(key)) {
      throw new AppError('validation_failed', {
        field: key.slice(0, 40),
        reason: 'paramètre inconnu ; les paramètres acceptés sont limit, cursor et status',
        reasonEn: 'unknown parameter; the accepted parameters are limit, cursor and status',
      });
    }
  }

  const result: PartnerListQuery = { limit: DEFAULT_PAGE_SIZE };
  const limit = singleValue(query, 'limit');
  if (limit !== undefined) result.limit = parseLimit(limit);

  const cursor = singleValue(query, 'cursor');
  if (cursor !== undefined) result.after = decodeCursor(cursor);

  const status = singleValue(query, 'status');
  if (status !== undefined) {
    if (status !== 'active' && status !== 'suspended') {
      throw new AppError('validation_failed', {
        field: 'status',
        reason: 'valeur attendue : active ou suspended',
        reasonEn: 'expected value: active or suspended',
      });
    }
    result.status = status;
  }
  return result;
}

function singleValue(query: Record<string, unknown>, field: string): string | undefined {
  const value = query[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new AppError('validation_failed', { field, reason: 'une seule valeur est attendue', reasonEn: 'a single value is expected' });
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
