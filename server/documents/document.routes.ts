import { Router, type Request, type Response } from 'express';

import type { AppContext } from '../context.js';
import { AppError } from '../errors/app-error.js';
import { rateLimit } from '../http/rate-limit.js';
import { currentSession, requireCsrf, requireSession } from '../identity/session.middleware.js';
import { sendContent } from './content-response.js';
import { requestActor } from './document-actor.js';
import { recordDocumentDenial } from './document-audit.js';
import { removeDocument } from './document-delete.service.js';
import { parseDocumentListQuery, type DocumentListQuery } from './document-list-query.js';
import { listDocuments, readDocument } from './document-read.service.js';
import { authorizeDownload, readDocumentContent } from './download.service.js';
import { UploadAbortedError } from './upload-aborted-error.js';
import { uploadDocument } from './upload.service.js';

/** Uploads one account may start per window; enough to file a whole dossier in one sitting. */
export const UPLOADS_PER_WINDOW = 30;
const UPLOAD_RATE_WINDOW_MS = 60_000;

/**
 * Builds the routes of the signed-in person's documents under
 * `/api/v1/documents`. Every route needs a session, and unsafe ones a CSRF
 * token. Each service applies the policy and commits the audit entry,
 * allowed or denied, before anything is sent.
 */
export function documentRoutes(ctx: AppContext): Router {
  const router = Router();
  const csrf = requireCsrf(ctx);
  // Counted per account, after the session check. Every upload keeps a
  // database connection while it streams, so the limit also keeps one person
  // from taking the whole pool for long.
  const uploadRateLimit = rateLimit({
    windowMs: UPLOAD_RATE_WINDOW_MS,
    max: UPLOADS_PER_WINDOW,
    key: (req) => currentSession(req.res!)?.accountId ?? 'none',
  });

  router.post('/api/v1/documents', requireSession, csrf, uploadRateLimit, async (req, res) => {
    const actor = requestActor(req, res);
    try {
      const document = await uploadDocument(ctx, actor, req);
      res.status(201).location(`/api/v1/documents/${document.id}`).set('Cache-Control', 'no-store').json(document);
    } catch (error) {
      // The client has gone, so no response is sent.
      if (error instanceof UploadAbortedError) return;
      throw error;
    }
  });

  router.get('/api/v1/documents', requireSession, async (req, res) => {
    const actor = requestActor(req, res);
    const query = await parseListQuery(ctx, req, res);
    const page = await listDocuments(ctx, actor, query);
    res.set('Cache-Control', 'no-store').json(page);
  });

  router.get('/api/v1/documents/:id', requireSession, async (req, res) => {
    const document = await readDocument(ctx, requestActor(req, res), req.params.id as string);
    res.set('Cache-Control', 'no-store').json(document);
  });

  router.get('/api/v1/documents/:id/content', requireSession, async (req, res) => {
    const download = await authorizeDownload(ctx, requestActor(req, res), req.params.id as string);
    const closed = new AbortController();
    res.once('close', () => closed.abort());
    try {
      await sendContent(req, res, download, readDocumentContent(ctx.db, download, closed.signal), closed.signal);
    } finally {
      download.documentKey.fill(0);
    }
  });

  router.delete('/api/v1/documents/:id', requireSession, csrf, async (req, res) => {
    await removeDocument(ctx, requestActor(req, res), req.params.id as string);
    res.status(204).end();
  });

  return router;
}

// A refused query is recorded like any other refusal on the documents API.
async function parseListQuery(ctx: AppContext, req: Request, res: Response): Promise<DocumentListQuery> {
  try {
    return parseDocumentListQuery(req.query as Record<string, unknown>);
  } catch (error) {
    if (error instanceof AppError) {
      await recordDocumentDenial(ctx.db, requestActor(req, res), { action: 'document.list', documentId: null, reason: error.code });
    }
    throw error;
  }
}
