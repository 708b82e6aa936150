import { Router } from 'express';

import { requireSession, sessionOf } from './session.middleware.js';

/** `GET /api/v1/me`: who is signed in, and the CSRF token scripts send back. */
export function meRoutes(): Router {
  const router = Router();
  router.get('/api/v1/me', requireSession, (_req, res) => {
    const session = sessionOf(res);
    res.set('Cache-Control', 'no-store').json({
      id: session.accountId,
      roles: session.roles,
      csrfToken: session.csrfToken,
      sessionExpiresAt: session.expiresAt.toISOString(),
    });
  });
  return router;
}
