import express, { Router } from 'express';
import * as client from 'openid-client';

import { appendAuditEvent } from '../../../audit/append.js';
import type { AppContext } from '../../context.js';
import { logger } from '../../logging/logger.js';
import { currentSession, requireCsrf } from '../session.middleware.js';
import { revokeSession } from '../session.repository.js';
import { clearSessionCookie } from '../session-cookie.js';
import { actorTypeFor } from './account-roles.js';
import type { RelyingParty } from './relying-party.js';
import { loadSessionIdToken } from './session-id-token.js';

/**
 * `POST /auth/logout` (a form with `_csrf`, or a script with X-CSRF-Token): revokes the
 * session server-side with an `auth.sign_out` audit entry, clears the cookie, then sends
 * the browser to the provider's logout with `id_token_hint`, `state` and the registered
 * return URL. Without a live session it only clears the cookie and goes home.
 */
export function signOutRoutes(ctx: AppContext, relyingParty: RelyingParty): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 10 });

  router.post('/auth/logout', form, requireCsrf(ctx), async (req, res) => {
    const session = currentSession(res);
    clearSessionCookie(res, ctx.config);
    res.set('Cache-Control', 'no-store');
    if (!session) {
      res.redirect(303, '/');
      return;
    }

    const requestId = typeof res.locals.requestId === 'string' ? res.locals.requestId : null;
    const idToken = await loadSessionIdToken(ctx.db, ctx.keys, session.idHash).catch((error: unknown) => {
      logger.warn('sealed ID token of a session could not be opened; signing out without provider logout', { requestId, error });
      return null;
    });

    await ctx.db.transaction().execute(async (trx) => {
      await revokeSession(trx, session.idHash);
      await appendAuditEvent(trx, {
        actorType: actorTypeFor(session.roles),
        actorId: session.accountId,
        subjectId: session.accountId,
        action: 'auth.sign_out',
        resourceType: 'session',
        resourceId: null,
        outcome: 'allow',
        reason: null,
        requestId,
        sourceAddress: req.ip ?? null,
      });
    });

    const endSessionUrl = idToken === null ? null : await providerLogoutUrl(ctx, relyingParty, idToken, requestId);
    res.redirect(303, endSessionUrl ?? '/');
  });

  return router;
}

// The vault's session is already gone. A provider that cannot be reached only means that
// the person stays signed in there, so the browser goes home instead.
async function providerLogoutUrl(ctx: AppContext, relyingParty: RelyingParty, idToken: string, requestId: string | null): Promise<string | null> {
  try {
    const configuration = await relyingParty.configuration();
    if (!configuration.serverMetadata().end_session_endpoint) return null;
    return client.buildEndSessionUrl(configuration, {
      id_token_hint: idToken,
      post_logout_redirect_uri: `${ctx.config.publicUrl}/`,
      // FranceConnect+ requires a state; nothing checks it on return, because the return
      // page only shows the signed-out home page.
      state: client.randomState(),
    }).href;
  } catch (error) {
    logger.warn('provider logout URL unavailable; signing out of the vault only', { requestId, error });
    return null;
  }
}
