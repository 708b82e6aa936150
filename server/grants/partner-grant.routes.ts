import { Router } from 'express';

import type { AppContext } from '../context.js';
import { sendContent } from '../documents/content-response.js';
import { readDocumentContent } from '../documents/download.service.js';
import { requirePartner } from '../partners/partner-auth.middleware.js';
import { parsePageQuery } from '../http/page-query.js';
import { partnerActor } from './partner-actor.js';
import { openPartnerDocumentViews } from './partner-document-view.js';
import { authorizePartnerDownload } from './partner-download.service.js';
import { authorizeGrantDocuments, listPartnerGrants } from './partner-grant.service.js';

/**
 * Builds the partner API on grants, under `/partner/v1/grants`.
 * `requirePartner` checks the access token. Every decision after it reads
 * the database on each request, with no cache that could outlive a revocation.
 */
export function partnerGrantRoutes(ctx: AppContext): Router {
  const router = Router();
  const partner = requirePartner(ctx);

  router.get('/partner/v1/grants', partner, async (req, res) => {
    const page = await listPartnerGrants(ctx, partnerActor(req, res), parsePageQuery(req.query as Record<string, unknown>));
    res.set('Cache-Control', 'no-store').json(page);
  });

  router.get('/partner/v1/grants/:grantId/documents', partner, async (req, res) => {
    const { grant, documentIds } = await authorizeGrantDocuments(ctx, partnerActor(req, res), req.params.grantId as string);
    const items = await openPartnerDocumentViews(ctx, grant.personId, documentIds);
    res.set('Cache-Control', 'no-store').json({ items });
  });

  router.get('/partner/v1/grants/:grantId/documents/:documentId/content', partner, async (req, res) => {
    const download = await authorizePartnerDownload(ctx, partnerActor(req, res), req.params.grantId as string, req.params.documentId as string);
    const closed = new AbortController();
    res.once('close', () => closed.abort());
    try {
      await sendContent(req, res, download, readDocumentContent(ctx.db, download, closed.signal), closed.signal);
    } finally {
      download.documentKey.fill(0);
    }
  });

  return router;
}
