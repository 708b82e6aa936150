import { Router } from 'express';

import type { AppContext } from '../context.js';
import { AppError } from '../errors/app-error.js';
import { personActor } from '../grants/person-actor.js';
import { requireCsrf, requireSession, sessionOf } from '../identity/session.middleware.js';
import { clearSessionCookie } from '../identity/session-cookie.js';
import { logger } from '../logging/logger.js';
import { issueErasureCertificate } from './erasure-certificate.service.js';
import { eraseAccount } from './erasure.service.js';

/**
 * `DELETE /api/v1/me`: erases the signed-in person's account and returns
 * the signed erasure certificate. The session must come from a sign-in less
 * than 5 minutes old, and the request needs the CSRF token.
 */
export function erasureRoutes(ctx: AppContext): Router {
  const router = Router();

  router.delete('/api/v1/me', requireSession, requireCsrf(ctx), async (req, res) => {
    const actor = personActor(req, res);
    const erasure = await eraseAccount(ctx, actor, sessionOf(res).authTime);
    clearSessionCookie(res, ctx.config);
    logger.info('account erased', { requestId: actor.requestId, accountId: actor.accountId, auditSeq: erasure.auditEntry.seq });

    try {
      const certificate = await issueErasureCertificate(ctx, erasure);
      res.status(200).set('Cache-Control', 'no-store').json(certificate);
    } catch (error) {
      // NOTE: the erasure has committed and cannot be undone, so the person
      // gets a 500 without a certificate. The vault offers no way to issue
      // it again yet.
      logger.error('erasure certificate failed after the erasure committed', { requestId: actor.requestId, accountId: actor.accountId, error });
      throw new AppError('internal_error', {}, { cause: error });
    }
  });

  return router;
}
