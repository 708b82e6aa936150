import { sql } from 'kysely';
import { Router } from 'express';

import type { AppContext } from '../context.js';

/**
 * `/healthz` says the process is up; `/readyz` says it can serve, which
 * needs the database. Neither reveals versions or configuration.
 */
export function healthRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    try {
      await sql`select 1`.execute(ctx.db);
      res.set('Cache-Control', 'no-store').json({ status: 'ready' });
    } catch {
      res.status(503).set('Cache-Control', 'no-store').json({ status: 'unavailable' });
    }
  });

  return router;
}
