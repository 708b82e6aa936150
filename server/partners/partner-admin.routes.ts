import express, { Router, type Request, type Response } from 'express';

import type { AppContext } from '../context.js';
import { requireCsrf, requireRole, requireSession, sessionOf } from '../identity/session.middleware.js';
import type { PartnerAdminActor } from './partner-audit.js';
import { listPartnerPage, reactivatePartner, readPartner, registerPartner, suspendPartner } from './partner-admin.service.js';
import { parsePartnerListQuery } from './partner-list-query.js';
import { parsePartnerRegistration } from './partner-registration.js';

/**
 * Builds the routes of the partner registry under `/admin/v1/partners`, for
 * administrators only: register, list, read, suspend and reactivate. Every route needs a session with the `admin`
 * role, and unsafe ones a CSRF token. Each change and its audit entry commit together.
 */
export function partnerAdminRoutes(ctx: AppContext): Router {
  const router = Router();
  const admin = [requireSession, requireRole('admin')];
  const csrf = requireCsrf(ctx);
  // A JWK Set of ten 4096-bit RSA keys stays well under this limit.
  const json = express.json({ limit: '64kb' });

  router.post('/admin/v1/partners', ...admin, csrf, json, async (req, res) => {
    const registration = await parsePartnerRegistration(req.body);
    const partner = await registerPartner(ctx.db, adminActor(req, res), registration);
    res.status(201).location(`/admin/v1/partners/${partner.id}`).set('Cache-Control', 'no-store').json(partner);
  });

  router.get('/admin/v1/partners', ...admin, async (req, res) => {
    const query = parsePartnerListQuery(req.query as Record<string, unknown>);
    res.set('Cache-Control', 'no-store').json(await listPartnerPage(ctx.db, query));
  });

  router.get('/admin/v1/partners/:id', ...admin, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await readPartner(ctx.db, req.params.id as string));
  });

  router.post('/admin/v1/partners/:id/suspend', ...admin, csrf, async (req, res) => {
    const partner = await suspendPartner(ctx.db, adminActor(req, res), req.params.id as string);
    res.set('Cache-Control', 'no-store').json(partner);
  });

  router.post('/admin/v1/partners/:id/reactivate', ...admin, csrf, async (req, res) => {
    const partner = await reactivatePartner(ctx.db, adminActor(req, res), req.params.id as string);
    res.set('Cache-Control', 'no-store').json(partner);
  });

  return router;
}

function adminActor(req: Request, res: Response): PartnerAdminActor {
  return {
    actorType: 'admin',
    actorId: sessionOf(res).accountId,
    requestId: typeof res.locals.requestId === 'string' ? res.locals.requestId : null,
    sourceAddress: req.ip ?? req.socket.remoteAddress ?? null,
  };
}
