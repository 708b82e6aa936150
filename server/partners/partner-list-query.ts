import { AppError } from '../errors/app-error.js';
import { parsePageQuery, singleQueryValue, type PageQuery } from '../http/page-query.js';
import type { PartnerStatus } from './partner.types.js';

/** A validated `GET /admin/v1/partners` query. */
export interface PartnerListQuery extends PageQuery {
  status?: PartnerStatus;
}

/** Validates the registry listing's query string: the page, and an optional `status`. */
export function parsePartnerListQuery(query: Record<string, unknown>): PartnerListQuery {
  const result: PartnerListQuery = parsePageQuery(query, ['status']);

  const status = singleQueryValue(query, 'status');
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
