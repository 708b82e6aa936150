import { Router, type Request, type Response } from 'express';

import { loadAuditKeySet } from '../../audit/checkpoint-signatures.js';
import { decideStaffAction } from '../../policies/staff.policy.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors/app-error.js';
import { actorTypeFor } from '../identity/oidc/account-roles.js';
import { requireSession, sessionOf } from '../identity/session.middleware.js';
import { recordVerification, verifyAuditLog, type VerificationActor } from './audit-verification.service.js';

/** Path of the published audit public keys, current and retired. */
export const AUDIT_KEYS_PATH = '/.well-known/coffre/audit-keys';

/**
 * Builds the audit log's routes: the key set that anyone verifying an export
 * needs (no authentication), and the DPO's verification of the whole chain.
 */
export function auditRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get(AUDIT_KEYS_PATH, async (_req, res) => {
    const keySet = await loadAuditKeySet(ctx.db, ctx.keys);
    // no-store, so a rotation is visible at once.
    res.status(200).type('application/json').set('Cache-Control', 'no-store').send(JSON.stringify(keySet));
  });

  router.get('/dpo/v1/audit/verification', requireSession, async (req, res) => {
    const actor = verificationActor(req, res);
    const decision = decideStaffAction({ roles: sessionOf(res).roles, action: 'audit.verify' });
    if (decision.effect === 'deny') {
      await recordVerification(ctx.db, actor, 'deny', decision.reason);
      throw new AppError('forbidden');
    }

    const view = await verifyAuditLog(ctx.db, ctx.keys, { ...actor, actorType: 'dpo' });
    res.status(200).set('Cache-Control', 'no-store').json(view);
  });

  return router;
}

function verificationActor(req: Request, res: Response): VerificationActor {
  const session = sessionOf(res);
  return {
    actorType: actorTypeFor(session.roles),
    accountId: session.accountId,
    requestId: typeof res.locals.requestId === 'string' ? res.locals.requestId : null,
    sourceAddress: req.ip ?? null,
  };
}
