import { Router, type Request } from 'express';

import type { AppContext } from '../context.js';
import { AppError } from '../errors/app-error.js';
import { recordAudit } from '../grants/audit-record.js';
import { settle } from '../grants/decision-outcome.js';
import { jsonBody } from '../grants/json-body.js';
import { partnerActor, type PartnerActor } from '../grants/partner-actor.js';
import { requirePartner } from '../partners/partner-auth.middleware.js';
import { parsePartnerAccessRequest } from './access-request-body.js';
import { createAccessRequest } from './access-request-create.service.js';
import { readPartnerAccessRequest } from './access-request-read.service.js';
import { partnerAccessRequestView } from './access-request-view.js';
import { SharingCodeFailures } from './sharing-code-failures.js';

/**
 * Builds the partner API on access requests, under
 * `/partner/v1/access-requests`. Wrong sharing codes are counted per partner
 * and per client address. Past the limit, every request gets 429
 * `rate_limited` until the window ends, whatever code it carries.
 */
export function partnerAccessRequestRoutes(ctx: AppContext, failures = new SharingCodeFailures()): Router {
  const router = Router();
  const partner = requirePartner(ctx);

  router.post('/partner/v1/access-requests', partner, jsonBody, async (req, res) => {
    const actor = partnerActor(req, res);
    const keys = failureKeys(req, actor);
    const retryAfter = failures.retryAfterSeconds(keys);
    if (retryAfter > 0) {
      await ctx.db.transaction().execute((trx) =>
        recordAudit(trx, actor.audit, { action: 'access_request.create', resourceType: 'access_request', resourceId: null, subjectId: null, outcome: 'deny', reason: 'rate_limited', partnerId: actor.partnerId }),
      );
      res.set('Retry-After', String(retryAfter));
      throw new AppError('rate_limited');
    }

    const body = parsePartnerAccessRequest(req.body);
    const { outcome, codeRejected } = await createAccessRequest(ctx, actor, body);
    if (codeRejected) failures.recordFailure(keys);
    const request = settle(outcome);
    res.status(201).location(`/partner/v1/access-requests/${request.id}`).set('Cache-Control', 'no-store').json(partnerAccessRequestView(request, new Date()));
  });

  router.get('/partner/v1/access-requests/:id', partner, async (req, res) => {
    const request = await readPartnerAccessRequest(ctx, partnerActor(req, res), req.params.id as string);
    res.set('Cache-Control', 'no-store').json(partnerAccessRequestView(request, new Date()));
  });

  return router;
}

function failureKeys(req: Request, actor: PartnerActor): string[] {
  return [`partner:${actor.partnerId}`, `address:${actor.sourceAddress ?? req.socket.remoteAddress ?? 'unknown'}`];
}
