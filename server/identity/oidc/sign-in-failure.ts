import type { Request, Response } from 'express';
import * as client from 'openid-client';

import { appendAuditEvent } from '../../../audit/append.js';
import type { AppContext } from '../../context.js';
import { describeError, type ErrorCode } from '../../errors/error-catalog.js';
import { sendProblem } from '../../errors/problem-response.js';
import { requestLocale } from '../../i18n/locale.js';
import { logger } from '../../logging/logger.js';
import { escapeHtml, renderPage } from '../html-page.js';

/** Reason code of a refused sign-in, as the audit entry records it. */
export type SignInFailureReason =
  /** No transaction cookie, or one that was changed or has expired: the PKCE verifier is lost. */
  | 'transaction_missing'
  | 'state_missing'
  | 'state_mismatch'
  /** The provider redirected back with an `error` parameter (cancelled, refused). */
  | 'provider_error'
  | 'nonce_mismatch'
  /** The token endpoint refused the code (reused, expired, PKCE verifier mismatch). */
  | 'code_rejected'
  /** A response failed a check other than the ones above (issuer, audience, signature, decryption). */
  | 'response_invalid'
  /** The provider could not be reached, returned a server error, or timed out. */
  | 'provider_unreachable'
  | 'acr_too_low';

/** A refused sign-in, sent as 401 `acr_too_low` or 400 `sign_in_failed`, never as a 500. */
export class SignInFailure extends Error {
  constructor(
    readonly reason: SignInFailureReason,
    options?: { cause?: unknown },
  ) {
    super(`sign-in failed: ${reason}`, options);
    this.name = 'SignInFailure';
  }

  get code(): ErrorCode {
    return this.reason === 'acr_too_low' ? 'acr_too_low' : 'sign_in_failed';
  }
}

/**
 * Maps an openid-client error to a failure reason. The expected state, nonce and PKCE
 * verifier are always passed, so each of those checks surfaces here when it fails.
 */
export function failureFromProviderError(error: unknown): SignInFailure {
  return new SignInFailure(reasonFor(error), { cause: error });
}

function reasonFor(error: unknown): SignInFailureReason {
  if (error instanceof client.AuthorizationResponseError) return 'provider_error';
  if (error instanceof client.ResponseBodyError) return error.status >= 500 ? 'provider_unreachable' : 'code_rejected';
  // fetch() rejects with a TypeError when the connection fails.
  if (error instanceof TypeError && error.message === 'fetch failed') return 'provider_unreachable';
  if (error instanceof client.ClientError) {
    const cause = error.cause as { cause?: { claim?: unknown } } | undefined;
    if (error.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && cause?.cause?.claim === 'nonce') return 'nonce_mismatch';
    if (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT') return 'provider_unreachable';
    if (error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') return 'provider_unreachable';
  }
  return 'response_invalid';
}

/**
 * Responds to a refused sign-in: records a deny `auth.sign_in` audit entry with the reason and
 * an unknown actor, then sends a French (or English, on request) HTML page to browsers
 * and a problem detail to other clients. No session exists at this point.
 */
export async function respondToSignInFailure(ctx: AppContext, req: Request, res: Response, failure: SignInFailure): Promise<void> {
  const requestId = typeof res.locals.requestId === 'string' ? res.locals.requestId : null;
  logger.info('sign-in rejected', { requestId, reason: failure.reason, error: failure.cause });

  try {
    await ctx.db.transaction().execute(async (trx) => {
      await appendAuditEvent(trx, {
        actorType: 'unknown',
        actorId: null,
        subjectId: null,
        action: 'auth.sign_in',
        resourceType: 'session',
        resourceId: null,
        outcome: 'deny',
        reason: failure.reason,
        requestId,
        sourceAddress: req.ip ?? null,
      });
    });
  } catch (error) {
    // The sign-in is refused either way, because nothing was granted that the record would cover.
    logger.error('audit append failed for a refused sign-in', { requestId, reason: failure.reason, error });
  }

  res.set('Cache-Control', 'no-store');
  if (req.accepts(['application/json', 'application/problem+json', 'text/html']) !== 'text/html') {
    sendProblem(res, failure.code);
    return;
  }
  const locale = requestLocale(req);
  const { status, title, detail } = describeError(failure.code, locale);
  const home = locale === 'fr' ? 'Retour à l\'accueil' : 'Back to the home page';
  const reference = locale === 'fr' ? 'Référence de la demande :' : 'Request reference:';
  res
    .status(status)
    .type('html')
    .send(
      renderPage({
        lang: locale,
        title,
        mainHtml: [
          `<h1>${escapeHtml(title)}</h1>`,
          `<p>${escapeHtml(detail)}</p>`,
          `<p>${reference} <code>${escapeHtml(requestId ?? '-')}</code></p>`,
          `<p><a href="/">${home}</a></p>`,
        ].join('\n'),
      }),
    );
}
