import { Router, type Request } from 'express';

import type { AppContext } from '../context.js';
import { AppError } from '../errors/app-error.js';
import { requestLocale } from '../i18n/locale.js';
import { requireCsrf, requireSession } from '../identity/session.middleware.js';
import { createGrant } from './grant-create.service.js';
import { listPersonGrants, readPersonGrant } from './grant-read.service.js';
import { parseGrantRequest } from './grant-request.js';
import { revokePersonGrant } from './grant-revoke.service.js';
import { buildGrantViews } from './grant-view.js';
import { jsonBody } from './json-body.js';
import { parsePageQuery } from '../http/page-query.js';
import { personActor } from './person-actor.js';

// Printable ASCII without spaces, as the IETF Idempotency-Key draft's examples use.
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * Builds the routes of the signed-in person's grants under `/api/v1/grants`:
 * authenticate, validate, then the service calls the policy and commits the
 * audit entry, allowed or denied, before the response is sent.
 */
export function grantRoutes(ctx: AppContext): Router {
  const router = Router();
  const csrf = requireCsrf(ctx);

  router.post('/api/v1/grants', requireSession, jsonBody, csrf, async (req, res) => {
    const actor = personActor(req, res);
    const request = parseGrantRequest(req.body);
    const { grant, created } = await createGrant(ctx, actor, request, idempotencyKeyOf(req));
    const [view] = await buildGrantViews(ctx, actor.accountId, [grant], requestLocale(req), new Date());
    res.status(created ? 201 : 200).location(`/api/v1/grants/${grant.id}`).set('Cache-Control', 'no-store').json(view);
  });

  router.get('/api/v1/grants', requireSession, async (req, res) => {
    const actor = personActor(req, res);
    const page = await listPersonGrants(ctx, actor, parsePageQuery(req.query as Record<string, unknown>));
    const items = await buildGrantViews(ctx, actor.accountId, page.items, requestLocale(req), new Date());
    res.set('Cache-Control', 'no-store').json({ items, nextCursor: page.nextCursor });
  });

  router.get('/api/v1/grants/:id', requireSession, async (req, res) => {
    const actor = personActor(req, res);
    const grant = await readPersonGrant(ctx, actor, req.params.id as string);
    const [view] = await buildGrantViews(ctx, actor.accountId, [grant], requestLocale(req), new Date());
    res.set('Cache-Control', 'no-store').json(view);
  });

  router.post('/api/v1/grants/:id/revoke', requireSession, jsonBody, csrf, async (req, res) => {
    const actor = personActor(req, res);
    const grant = await revokePersonGrant(ctx, actor, req.params.id as string);
    const [view] = await buildGrantViews(ctx, actor.accountId, [grant], requestLocale(req), new Date());
    res.set('Cache-Control', 'no-store').json(view);
  });

  return router;
}

function idempotencyKeyOf(req: Request): string | null {
  const key = req.get('idempotency-key');
  if (key === undefined) return null;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new AppError('validation_failed', {
      field: 'Idempotency-Key',
      reason: 'de 1 à 200 caractères ASCII visibles, sans espace',
      reasonEn: 'from 1 to 200 visible ASCII characters, without spaces',
    });
  }
  return key;
}
