import express, { Router, type Request, type RequestHandler } from 'express';
import { decodeJwt } from 'jose';

import type { AppContext } from '../../context.js';
import { rateLimit } from '../../http/rate-limit.js';
import { logger } from '../../logging/logger.js';
import { verifyClientAssertion } from './client-assertion.js';
import { recordTokenRefusal, type TokenRequestOrigin } from './token-audit.js';
import { TokenError, sendTokenError } from './token-error.js';
import { grantAccessToken } from './token-grant.service.js';
import { parseTokenRequest } from './token-request.js';

/** Token requests per minute from one client address, whatever client they name. */
export const TOKEN_REQUESTS_PER_ADDRESS_PER_MINUTE = 120;
/** Token requests per minute naming one client id. A token lasts 5 minutes, so a partner needs few. */
export const TOKEN_REQUESTS_PER_CLIENT_PER_MINUTE = 30;

/**
 * `POST /oauth/token`: the OAuth 2.0 client credentials grant for partners, with
 * private_key_jwt client authentication (RFC 7523). Returns 200 with a Bearer access
 * token, or an RFC 6749 error. Every response is audited as `partner.token` and never
 * cached. Requests are rate-limited per client address, then per client id.
 */
export function tokenRoutes(ctx: AppContext): Router {
  const router = Router();
  // Behind a reverse proxy, req.ip is the client only when COFFRE_TRUSTED_PROXIES counts
  // that proxy; otherwise every client shares the proxy's address and one limit.
  const perAddress = rateLimit({ windowMs: 60_000, max: TOKEN_REQUESTS_PER_ADDRESS_PER_MINUTE, key: (req) => req.ip ?? 'unknown' });
  // NOTE: the client id is read before authentication, so anyone can spend a partner's
  // budget by naming it. The per-address limit bounds what one address can do.
  const perClient = rateLimit({ windowMs: 60_000, max: TOKEN_REQUESTS_PER_CLIENT_PER_MINUTE, key: claimedClientId });

  router.post('/oauth/token', perAddress, readTokenForm, perClient, async (req, res) => {
    const origin: TokenRequestOrigin = {
      requestId: typeof res.locals.requestId === 'string' ? res.locals.requestId : null,
      sourceAddress: req.ip ?? req.socket.remoteAddress ?? null,
    };
    const now = new Date();
    try {
      const request = parseTokenRequest(res.locals.tokenFormUnreadable ? undefined : req.body);
      const assertion = await verifyClientAssertion(ctx, request, now);
      const token = await grantAccessToken(ctx, assertion, origin, now);
      res.locals.actorId = assertion.partner.id;
      res
        .status(200)
        .set('Cache-Control', 'no-store')
        .set('Pragma', 'no-cache')
        .json({ access_token: token.accessToken, token_type: 'Bearer', expires_in: token.expiresIn });
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      logger.info('token request rejected', { requestId: origin.requestId, reason: error.reason, partnerId: error.partnerId });
      await recordTokenRefusal(ctx.db, origin, { partnerId: error.partnerId, reason: error.reason });
      sendTokenError(res, error);
    }
  });
  return router;
}

// A form that is too long or unreadable becomes an RFC 6749 `invalid_request` rather
// than the problem detail that the body parser's error would produce.
const formParser = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
const readTokenForm: RequestHandler = (req, res, next) => {
  formParser(req, res, (error?: unknown) => {
    if (error) {
      res.locals.tokenFormUnreadable = true;
      // The body may be partly unread; the response must not wait for it.
      res.set('Connection', 'close');
    }
    next();
  });
};

function claimedClientId(req: Request): string {
  const form = (req.body ?? {}) as Record<string, unknown>;
  if (typeof form.client_id === 'string') return `client_id:${form.client_id.slice(0, 200)}`;
  if (typeof form.client_assertion === 'string') {
    try {
      const { iss } = decodeJwt(form.client_assertion);
      if (typeof iss === 'string') return `client_id:${iss.slice(0, 200)}`;
    } catch {
      // An unreadable assertion is refused by the route; count it with the other unnamed requests.
    }
  }
  return 'client_id:none';
}
