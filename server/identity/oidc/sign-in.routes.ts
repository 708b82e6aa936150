import { Router, type Request, type Response } from 'express';
import * as client from 'openid-client';

import { constantTimeEqual } from '../../../crypto/constant-time.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors/app-error.js';
import { rateLimit } from '../../http/rate-limit.js';
import { currentSession } from '../session.middleware.js';
import { setSessionCookie } from '../session-cookie.js';
import { meetsMinimumAcr } from './acr.js';
import type { RoleSources } from './account-roles.js';
import type { RelyingParty } from './relying-party.js';
import { parseReturnTo } from './return-to.js';
import { failureFromProviderError, respondToSignInFailure, SignInFailure } from './sign-in-failure.js';
import { openSignInSession } from './sign-in-session.js';
import {
  clearTransactionCookie,
  readTransactionCookie,
  SIGN_IN_TRANSACTION_TTL_MS,
  writeTransactionCookie,
  type SignInTransaction,
} from './sign-in-transaction.js';

/**
 * `GET /auth/login` starts an authorization code flow with PKCE (S256), state, nonce and
 * the configured `acr_values`; `GET /auth/callback` finishes it and opens a session.
 * Both are rate-limited per client address.
 */
export function signInRoutes(ctx: AppContext, relyingParty: RelyingParty, roleSources: RoleSources): Router {
  const router = Router();
  // Behind a reverse proxy, req.ip is the client only when COFFRE_TRUSTED_PROXIES counts
  // that proxy; otherwise every client shares the proxy's address and one limit.
  const limit = () =>
    rateLimit({ windowMs: 60_000, max: ctx.config.oidc.signInRateLimitPerMinute, key: (req) => req.ip ?? 'unknown' });

  router.get('/auth/login', limit(), async (req, res) => {
    const returnTo = parseReturnTo(req.query.returnTo, ctx.config.publicUrl);
    if (returnTo === null) {
      throw new AppError('validation_failed', {
        field: 'returnTo',
        reason: 'un chemin du coffre commençant par « / » est attendu',
        reasonEn: 'a path of the vault starting with "/" is expected',
      });
    }
    // `reauth=1` requests a new authentication from the provider even when
    // it still has a session, because the erasure of an account requires one.
    const reauthenticate = req.query.reauth === '1';
    try {
      await startSignIn(ctx, relyingParty, res, returnTo, reauthenticate);
    } catch (error) {
      if (!(error instanceof SignInFailure)) throw error;
      await respondToSignInFailure(ctx, req, res, error);
    }
  });

  router.get('/auth/callback', limit(), async (req, res) => {
    const transaction = await readTransactionCookie(req, ctx.config, ctx.keys);
    clearTransactionCookie(res, ctx.config);
    try {
      await finishSignIn(ctx, relyingParty, roleSources, req, res, transaction);
    } catch (error) {
      if (!(error instanceof SignInFailure)) throw error;
      await respondToSignInFailure(ctx, req, res, error);
    }
  });

  return router;
}

async function startSignIn(ctx: AppContext, relyingParty: RelyingParty, res: Response, returnTo: string, reauthenticate: boolean): Promise<void> {
  const configuration = await relyingParty.configuration().catch((error: unknown) => {
    throw failureFromProviderError(error);
  });

  const transaction: SignInTransaction = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier: client.randomPKCECodeVerifier(),
    returnTo,
    expiresAt: Date.now() + SIGN_IN_TRANSACTION_TTL_MS,
  };
  await writeTransactionCookie(res, ctx.config, ctx.keys, transaction);

  const authorizationUrl = client.buildAuthorizationUrl(configuration, {
    redirect_uri: callbackUrl(ctx),
    response_type: 'code',
    scope: ctx.config.oidc.scopes,
    acr_values: ctx.config.oidc.acrValues,
    state: transaction.state,
    nonce: transaction.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(transaction.codeVerifier),
    code_challenge_method: 'S256',
    // prompt=login makes the provider authenticate again; max_age=0 makes it
    // put the new auth_time in the ID token.
    ...(reauthenticate ? { prompt: 'login', max_age: '0' } : {}),
  });
  res.set('Cache-Control', 'no-store').redirect(303, authorizationUrl.href);
}

// The order of the checks gives each failure its own reason code. openid-client then
// repeats the state check and adds the nonce, PKCE, issuer and audience checks.
async function finishSignIn(
  ctx: AppContext,
  relyingParty: RelyingParty,
  roleSources: RoleSources,
  req: Request,
  res: Response,
  transaction: SignInTransaction | null,
): Promise<void> {
  if (transaction === null) throw new SignInFailure('transaction_missing');

  const state = req.query.state;
  if (typeof state !== 'string' || state === '') throw new SignInFailure('state_missing');
  if (!constantTimeEqual(state, transaction.state)) throw new SignInFailure('state_mismatch');
  if (req.query.error !== undefined) throw new SignInFailure('provider_error');

  const configuration = await relyingParty.configuration().catch((error: unknown) => {
    throw failureFromProviderError(error);
  });
  const queryStart = req.originalUrl.indexOf('?');
  const currentUrl = new URL(`${callbackUrl(ctx)}${queryStart >= 0 ? req.originalUrl.slice(queryStart) : ''}`);

  const tokens = await client
    .authorizationCodeGrant(configuration, currentUrl, {
      expectedState: transaction.state,
      expectedNonce: transaction.nonce,
      pkceCodeVerifier: transaction.codeVerifier,
      idTokenExpected: true,
    })
    .catch((error: unknown) => {
      throw failureFromProviderError(error);
    });

  const claims = tokens.claims();
  if (!claims || typeof tokens.id_token !== 'string') throw new SignInFailure('response_invalid');
  if (!meetsMinimumAcr(claims.acr, ctx.config.oidc.minAcr)) throw new SignInFailure('acr_too_low');

  const roleClaims = await claimsForRoles(configuration, roleSources, tokens.access_token, claims);
  // For an encrypted ID token, oidc-provider's logout expects the inner signed token.
  // NOTE: FranceConnect+ is assumed to expect the same; its logout was not tried here.
  const idToken = client.getDecryptedResponses(tokens)?.id_token?.token_endpoint ?? tokens.id_token;

  const opened = await openSignInSession(ctx, {
    issuer: relyingParty.issuer,
    subject: claims.sub,
    roleClaims,
    roleSources,
    acr: typeof claims.acr === 'string' ? claims.acr : null,
    authTime: typeof claims.auth_time === 'number' ? new Date(claims.auth_time * 1000) : new Date(),
    idToken,
    replacedSession: currentSession(res)?.idHash ?? null,
    requestId: typeof res.locals.requestId === 'string' ? res.locals.requestId : null,
    sourceAddress: req.ip ?? null,
  });

  setSessionCookie(res, ctx.config, opened.sessionId, opened.expiresAt);
  res.locals.actorId = opened.accountId;
  res.set('Cache-Control', 'no-store').redirect(303, transaction.returnTo);
}

/**
 * Returns the claims to read roles from: the ID token's, plus userinfo when a roles claim
 * is configured but the ID token does not carry it (FranceConnect+ and the development
 * provider put scope claims in userinfo only).
 */
async function claimsForRoles(
  configuration: client.Configuration,
  roleSources: RoleSources,
  accessToken: string,
  idTokenClaims: client.IDToken,
): Promise<Record<string, unknown>> {
  const claim = roleSources.rolesClaim;
  if (claim === undefined || claim in idTokenClaims) return idTokenClaims;
  const userInfo = await client.fetchUserInfo(configuration, accessToken, idTokenClaims.sub).catch((error: unknown) => {
    throw failureFromProviderError(error);
  });
  return { ...idTokenClaims, [claim]: userInfo[claim] };
}

function callbackUrl(ctx: AppContext): string {
  return `${ctx.config.publicUrl}/auth/callback`;
}
