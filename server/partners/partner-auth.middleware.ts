import type { Request, RequestHandler, Response } from 'express';

import { appendAuditEvent } from '../../audit/append.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors/app-error.js';
import { logger } from '../logging/logger.js';
import { AccessTokenRejected, verifyAccessToken } from './oauth/access-token-verifier.js';
import { findPartner } from './partner.repository.js';
import type { PartnerPrincipal } from './partner.types.js';

/** Reason code of a request that `requirePartner` rejected, as its audit entry records it. */
export type PartnerAuthenticationFailure = 'token_missing' | 'token_invalid' | 'token_expired';

// RFC 6750, section 2.1: "Bearer", one or more spaces, then a b64token.
const BEARER_PATTERN = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
// An access token of the vault is about 600 characters; anything far longer is not one.
const MAX_TOKEN_LENGTH = 4096;

/**
 * Authenticates a request to the partner API by its `Authorization: Bearer` access token
 * and sets `res.locals.partner` (a PartnerPrincipal) from the partner's row, read from
 * the database on every request. A suspended partner passes: the route's policy refuses
 * it with `partner_suspended` (403).
 *
 * It rejects a missing, malformed, expired, changed or foreign token (another signing
 * key, issuer or audience), and a token whose partner no longer matches. The response is
 * 401 `partner_token_invalid` with `WWW-Authenticate`. Before it, a deny
 * `partner.authenticate` audit entry with an unknown actor is written in a transaction
 * of its own.
 *
 * @example router.get('/partner/v1/grants', requirePartner(ctx), handler);
 */
export function requirePartner(ctx: AppContext): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (header === undefined || header.trim() === '') return refuse(ctx, req, res, next, 'token_missing');
    const token = BEARER_PATTERN.exec(header)?.[1];
    if (token === undefined || token.length > MAX_TOKEN_LENGTH) return refuse(ctx, req, res, next, 'token_invalid');

    let claims;
    try {
      claims = await verifyAccessToken(ctx, token);
    } catch (error) {
      if (!(error instanceof AccessTokenRejected)) throw error;
      return refuse(ctx, req, res, next, error.reason);
    }

    const partner = await findPartner(ctx.db, claims.partnerId);
    if (!partner || partner.clientId !== claims.clientId) return refuse(ctx, req, res, next, 'token_invalid');

    const principal: PartnerPrincipal = { id: partner.id, clientId: partner.clientId, name: partner.name, status: partner.status };
    res.locals.partner = principal;
    res.locals.actorId = partner.id;
    next();
  };
}

async function refuse(
  ctx: AppContext,
  req: Request,
  res: Response,
  next: (error: unknown) => void,
  reason: PartnerAuthenticationFailure,
): Promise<void> {
  const requestId = typeof res.locals.requestId === 'string' ? res.locals.requestId : null;
  try {
    await ctx.db.transaction().execute((trx) =>
      appendAuditEvent(trx, {
        actorType: 'unknown',
        actorId: null,
        subjectId: null,
        action: 'partner.authenticate',
        resourceType: 'access_token',
        resourceId: null,
        outcome: 'deny',
        reason,
        requestId,
        sourceAddress: req.ip ?? req.socket.remoteAddress ?? null,
      }),
    );
  } catch (error) {
    // The request is refused either way, and nothing was delivered that the entry would cover.
    logger.error('audit append failed for a rejected partner token', { requestId, reason, error });
  }

  // RFC 6750, section 3.1: a request without credentials gets no error code.
  res.set('WWW-Authenticate', reason === 'token_missing' ? 'Bearer realm="coffre"' : 'Bearer realm="coffre", error="invalid_token"');
  next(new AppError('partner_token_invalid', { reason }));
}
