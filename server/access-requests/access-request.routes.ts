import { Router } from 'express';

import type { AppContext } from '../context.js';
import { jsonBody } from '../grants/json-body.js';
import { buildGrantViews } from '../grants/grant-view.js';
import { parsePageQuery } from '../http/page-query.js';
import { personActor } from '../grants/person-actor.js';
import { requestLocale } from '../i18n/locale.js';
import { requireCsrf, requireSession } from '../identity/session.middleware.js';
import { parseApproval } from './access-request-body.js';
import { approveAccessRequest, refuseAccessRequest } from './access-request-answer.service.js';
import { listPersonAccessRequests } from './access-request-read.service.js';
import { buildAccessRequestViews } from './access-request-view.js';

/** Builds the routes of the access requests sent to the signed-in person, under `/api/v1/access-requests`. */
export function accessRequestRoutes(ctx: AppContext): Router {
  const router = Router();
  const csrf = requireCsrf(ctx);

  router.get('/api/v1/access-requests', requireSession, async (req, res) => {
    const actor = personActor(req, res);
    const page = await listPersonAccessRequests(ctx, actor, parsePageQuery(req.query as Record<string, unknown>));
    const items = await buildAccessRequestViews(ctx, actor.accountId, page.items, requestLocale(req), new Date());
    res.set('Cache-Control', 'no-store').json({ items, nextCursor: page.nextCursor });
  });

  router.post('/api/v1/access-requests/:id/approve', requireSession, jsonBody, csrf, async (req, res) => {
    const actor = personActor(req, res);
    const approval = parseApproval(req.body);
    const { request, grant } = await approveAccessRequest(ctx, actor, req.params.id as string, approval);
    const now = new Date();
    const locale = requestLocale(req);
    const [requestView] = await buildAccessRequestViews(ctx, actor.accountId, [request], locale, now);
    const [grantView] = await buildGrantViews(ctx, actor.accountId, [grant], locale, now);
    res.set('Cache-Control', 'no-store').json({ request: requestView, grant: grantView });
  });

  router.post('/api/v1/access-requests/:id/refuse', requireSession, jsonBody, csrf, async (req, res) => {
    const actor = personActor(req, res);
    const request = await refuseAccessRequest(ctx, actor, req.params.id as string);
    const [view] = await buildAccessRequestViews(ctx, actor.accountId, [request], requestLocale(req), new Date());
    res.set('Cache-Control', 'no-store').json(view);
  });

  return router;
}
