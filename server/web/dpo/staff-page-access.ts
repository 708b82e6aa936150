import type { Request, Response } from 'express';

import { decideStaffAction, type StaffAction } from '../../../policies/staff.policy.js';
import { actorTypeFor } from '../../identity/oidc/account-roles.js';
import { AppError } from '../../errors/app-error.js';
import { currentSession, requireSession } from '../../identity/session.middleware.js';
import type { SessionInfo } from '../../identity/session.types.js';
import type { StaffActor } from '../../dpo/staff-access.js';
import { sendErrorPage } from '../page-errors.js';

/** The signed-in staff member behind a page, once the role check passed. */
export interface StaffPageAccess {
  session: SessionInfo;
  actor: StaffActor;
}

/**
 * Checks that a staff page may be shown, as the matching API route does.
 * Without a session it redirects to the sign-in, which returns to this page.
 * A role that `decideStaffAction` denies gets the French 403 page, after
 * `recordDenial` (when given) recorded the refusal as the API does.
 * Returns null when the response is already sent.
 */
export async function checkStaffPage(
  req: Request,
  res: Response,
  action: StaffAction,
  recordDenial?: (actor: StaffActor, reason: string) => Promise<void>,
): Promise<StaffPageAccess | null> {
  const session = currentSession(res);
  if (!session) {
    if (res.locals.sessionExpired) await recordExpiredSession(req, res);
    redirectToSignIn(req, res);
    return null;
  }

  const actor: StaffActor = {
    accountId: session.accountId,
    actorType: actorTypeFor(session.roles),
    requestId: typeof res.locals.requestId === 'string' ? res.locals.requestId : null,
    sourceAddress: req.ip ?? null,
  };
  const decision = decideStaffAction({ roles: session.roles, action });
  if (decision.effect === 'allow') return { session, actor };

  // An audit failure throws audit_unavailable here, which the routers' page error handler shows as its own page.
  if (recordDenial) await recordDenial(actor, decision.reason);
  sendErrorPage(req, res, 'forbidden');
  return null;
}

/**
 * Records a request with an expired session as the API does (`auth.session`,
 * denied, actor unknown) by running `requireSession`, which appends that
 * entry. Throws `audit_unavailable` when the entry cannot be written.
 */
async function recordExpiredSession(req: Request, res: Response): Promise<void> {
  const refusal = await new Promise<unknown>((resolve) => {
    void requireSession(req, res, resolve);
  });
  if (refusal instanceof AppError && refusal.code === 'audit_unavailable') throw refusal;
}

/**
 * Redirects to the sign-in, which brings the browser back here afterwards.
 * A POST is sent back to the page it came from, as its form data is lost.
 */
export function redirectToSignIn(req: Request, res: Response, returnTo: string = req.originalUrl): void {
  res.redirect(303, `/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
}
