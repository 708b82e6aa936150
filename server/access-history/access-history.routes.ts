import { Router, type Request } from 'express';

import { decodePositionCursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type LogPosition } from '../dpo/audit-query.js';
import { AppError } from '../errors/app-error.js';
import type { AppContext } from '../context.js';
import { personActor } from '../grants/person-actor.js';
import { requestLocale } from '../i18n/locale.js';
import { requireSession } from '../identity/session.middleware.js';
import { readAccessHistory, streamAccessHistoryCsv } from './access-history.service.js';

/**
 * Builds the signed-in person's access history routes (historique des accès):
 *
 * - `GET /api/v1/access-history`: JSON, newest first, `limit` and `cursor`;
 *   `?format=csv` returns the whole history as CSV instead.
 * - `GET /api/v1/access-history.csv`: the whole history as CSV.
 */
export function accessHistoryRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/api/v1/access-history', requireSession, async (req, res) => {
    const actor = personActor(req, res);
    const query = parseHistoryQuery(req.query as Record<string, unknown>);
    if (query.format === 'csv') {
      await streamAccessHistoryCsv(ctx, actor, requestLocale(req), res);
      return;
    }
    const page = await readAccessHistory(ctx, actor, query, requestLocale(req));
    res.set('Cache-Control', 'no-store').json(page);
  });

  router.get('/api/v1/access-history.csv', requireSession, async (req: Request, res) => {
    const actor = personActor(req, res);
    const keys = Object.keys(req.query as Record<string, unknown>);
    if (keys.length > 0) throw invalid(keys[0]!.slice(0, 40), 'aucun paramètre n\'est accepté', 'no parameter is accepted');
    await streamAccessHistoryCsv(ctx, actor, requestLocale(req), res);
  });

  return router;
}

interface HistoryQuery {
  format: 'json' | 'csv';
  limit: number;
  before?: LogPosition;
}

/** Validates `format`, `limit` and `cursor`; Express gives an array for a repeated key, which is rejected. */
function parseHistoryQuery(query: Record<string, unknown>): HistoryQuery {
  const result: HistoryQuery = { format: 'json', limit: DEFAULT_PAGE_SIZE };
  for (const [key, value] of Object.entries(query)) {
    if (key !== 'format' && key !== 'limit' && key !== 'cursor') {
      throw invalid(key.slice(0, 40), 'paramètre inconnu ; les paramètres acceptés sont format, limit et cursor', 'unknown parameter; the accepted parameters are format, limit and cursor');
    }
    if (typeof value !== 'string') throw invalid(key, 'une seule valeur est attendue', 'a single value is expected');
    if (key === 'format') {
      if (value !== 'json' && value !== 'csv') throw invalid('format', 'valeur attendue : json ou csv', 'expected value: json or csv');
      result.format = value;
    } else if (key === 'limit') {
      const limit = /^[0-9]{1,4}$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
        throw invalid('limit', `nombre entier de 1 à ${MAX_PAGE_SIZE} attendu`, `an integer from 1 to ${MAX_PAGE_SIZE} is expected`);
      }
      result.limit = limit;
    } else {
      result.before = decodePositionCursor(value);
    }
  }
  return result;
}

function invalid(field: string, reason: string, reasonEn: string): AppError {
  return new AppError('validation_failed', { field, reason, reasonEn });
}
