import { Router } from 'express';

import type { AppContext } from '../context.js';
import { jsonBody } from '../grants/json-body.js';
import { parsePageQuery } from '../http/page-query.js';
import { personActor } from '../grants/person-actor.js';
import { rateLimit } from '../http/rate-limit.js';
import { currentSession, requireCsrf, requireSession } from '../identity/session.middleware.js';
import { createSharingCode, listPersonSharingCodes, revokePersonSharingCode, sharingCodeStatus } from './sharing-code.service.js';
import type { SharingCodeView, StoredSharingCode } from './sharing-code.types.js';

/** Sharing codes one account may create per hour: a few per day is the normal use. */
export const SHARING_CODES_PER_HOUR = 20;

/** Builds the routes of the person's sharing codes under `/api/v1/sharing-codes`. */
export function sharingCodeRoutes(ctx: AppContext): Router {
  const router = Router();
  const csrf = requireCsrf(ctx);
  const creationRateLimit = rateLimit({
    windowMs: 60 * 60 * 1000,
    max: SHARING_CODES_PER_HOUR,
    key: (req) => currentSession(req.res!)?.accountId ?? 'none',
  });

  router.post('/api/v1/sharing-codes', requireSession, jsonBody, csrf, creationRateLimit, async (req, res) => {
    const { sharingCode, code } = await createSharingCode(ctx, personActor(req, res));
    res.status(201).location(`/api/v1/sharing-codes/${sharingCode.id}`).set('Cache-Control', 'no-store').json({ ...toView(sharingCode, new Date()), code });
  });

  router.get('/api/v1/sharing-codes', requireSession, async (req, res) => {
    const page = await listPersonSharingCodes(ctx, personActor(req, res), parsePageQuery(req.query as Record<string, unknown>));
    const now = new Date();
    res.set('Cache-Control', 'no-store').json({ items: page.items.map((code) => toView(code, now)), nextCursor: page.nextCursor });
  });

  router.post('/api/v1/sharing-codes/:id/revoke', requireSession, jsonBody, csrf, async (req, res) => {
    const code = await revokePersonSharingCode(ctx, personActor(req, res), req.params.id as string);
    res.set('Cache-Control', 'no-store').json(toView(code, new Date()));
  });

  return router;
}

function toView(code: StoredSharingCode, now: Date): SharingCodeView {
  return {
    id: code.id,
    status: sharingCodeStatus(code, now),
    expiresAt: code.expiresAt.toISOString(),
    revokedAt: code.revokedAt?.toISOString() ?? null,
    createdAt: code.createdAt.toISOString(),
  };
}
