import { Router } from 'express';

import type { AppContext } from '../context.js';
import { requestLocale } from '../i18n/locale.js';
import { requireSession } from '../identity/session.middleware.js';
import { streamAuditExport } from './audit-export.service.js';
import { searchAuditJournal } from './audit-journal.service.js';
import { parseExportQuery, parseJournalQuery } from './audit-query.js';
import { authorizeStaff } from './staff-access.js';

/**
 * Builds the DPO's routes on the audit log: authenticate, authorize
 * (`decideStaffAction`, a denial recorded then 403), validate, then search
 * or export with its own audit entry.
 *
 * - `GET /dpo/v1/audit/events`: filters personId, actorId, partnerId, action,
 *   outcome, from (inclusive) and to (exclusive), newest first, by cursor.
 * - `GET /dpo/v1/audit/export`: format jsonl (default) or csv, fromSeq and
 *   toSeq (default: the whole chain), the same optional filters.
 */
export function dpoAuditRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/dpo/v1/audit/events', requireSession, async (req, res) => {
    const actor = await authorizeStaff(ctx, req, res, 'audit.read', 'audit.search');
    const query = parseJournalQuery(req.query as Record<string, unknown>);
    const page = await searchAuditJournal(ctx, actor, query, requestLocale(req));
    res.set('Cache-Control', 'no-store').json(page);
  });

  router.get('/dpo/v1/audit/export', requireSession, async (req, res) => {
    const actor = await authorizeStaff(ctx, req, res, 'audit.export', 'audit.export');
    const query = parseExportQuery(req.query as Record<string, unknown>);
    await streamAuditExport(ctx, actor, query, res);
  });

  return router;
}
