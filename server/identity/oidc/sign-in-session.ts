import { appendAuditEvent } from '../../../audit/append.js';
import type { AppContext } from '../../context.js';
import { findOrCreateAccount } from '../account.repository.js';
import { createSession, revokeSession } from '../session.repository.js';
import { actorTypeFor, rolesFor, type RoleSources } from './account-roles.js';
import { storeSessionIdToken } from './session-id-token.js';

/** A verified identity from the provider, ready to become a session. */
export interface VerifiedSignIn {
  issuer: string;
  subject: string;
  roleClaims: Record<string, unknown>;
  roleSources: RoleSources;
  acr: string | null;
  authTime: Date;
  /** Signed ID token, kept sealed for the provider's logout. */
  idToken: string;
  /** Session that this browser had before, revoked so that no id outlives a sign-in. */
  replacedSession: Buffer | null;
  requestId: string | null;
  sourceAddress: string | null;
}

/**
 * In one transaction: finds or creates the account (with its user key at first sign-in),
 * revokes the browser's previous session, creates the new session with its sealed ID
 * token and appends the allow `auth.sign_in` audit entry. Any failure leaves nothing.
 */
export async function openSignInSession(
  ctx: AppContext,
  signIn: VerifiedSignIn,
): Promise<{ accountId: string; sessionId: string; expiresAt: Date }> {
  const roles = rolesFor(signIn.subject, signIn.roleClaims, signIn.roleSources);

  return ctx.db.transaction().execute(async (trx) => {
    const { accountId, created } = await findOrCreateAccount(trx, ctx.keys, signIn.issuer, signIn.subject);
    if (signIn.replacedSession) await revokeSession(trx, signIn.replacedSession);

    const session = await createSession(
      trx,
      { accountId, roles, acr: signIn.acr, authTime: signIn.authTime },
      { absoluteHours: ctx.config.session.absoluteHours },
    );
    await storeSessionIdToken(trx, ctx.keys, session.sessionId, signIn.idToken);

    await appendAuditEvent(trx, {
      actorType: actorTypeFor(roles),
      actorId: accountId,
      subjectId: accountId,
      action: 'auth.sign_in',
      resourceType: 'session',
      resourceId: null,
      outcome: 'allow',
      reason: created ? 'account_created' : null,
      requestId: signIn.requestId,
      sourceAddress: signIn.sourceAddress,
    });
    return { accountId, sessionId: session.sessionId, expiresAt: session.expiresAt };
  });
}
