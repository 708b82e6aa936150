import type { ErrorRequestHandler, Request, Response } from 'express';

import { AuditAppendError } from '../../audit/append.js';
import { AppError } from '../errors/app-error.js';
import { describeError, type ErrorCode } from '../errors/error-catalog.js';
import { currentSession } from '../identity/session.middleware.js';
import { logger } from '../logging/logger.js';
import { html } from './html.js';
import { renderPage } from './layout.js';

/**
 * Error handler of the page routers: the same codes and French texts as the
 * API's problem details, rendered as a page with a way forward. A GET page
 * without a session goes to sign-in and comes back. Errors other than
 * AppError are logged and shown as the generic 500 page, without any detail.
 */
export const pageErrorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { code, params } = classify(error, req, res);
  if (code === 'unauthenticated' && req.method === 'GET') {
    res.redirect(303, signInPath(req));
    return;
  }
  sendErrorPage(req, res, code, params);
};

/** Renders the error page of `code` with its status; the page title names the error. */
export function sendErrorPage(req: Request, res: Response, code: ErrorCode, params: Record<string, string | number> = {}): void {
  const { status, title, detail } = describeError(code, 'fr', params);
  const session = currentSession(res);
  const main = html`<h1>${title}</h1>
<p>${detail}</p>
${nextStep(req, code)}
<p class="fr-text--sm">Référence de la demande, à donner si vous contactez l'assistance : ${res.locals.requestId ?? ''}</p>`;
  res.status(status).set('Cache-Control', 'no-store').type('html').send(renderPage({ title, main, session }));
}

function nextStep(req: Request, code: ErrorCode) {
  if (code === 'unauthenticated' || code === 'session_expired') {
    return html`<p><a class="fr-btn" href="${signInPath(req)}">S'identifier</a></p>`;
  }
  if (code === 'csrf_failed' || code === 'origin_mismatch') {
    return html`<p>Revenez à la page précédente, rechargez-la, puis recommencez.</p><p><a href="/">Retour à l'accueil</a></p>`;
  }
  return html`<p><a href="/">Retour à l'accueil</a></p>`;
}

// A POST has no page to return to, so sign-in comes back to the home page.
function signInPath(req: Request): string {
  const returnTo = req.method === 'GET' ? req.originalUrl : '/';
  return `/auth/login?returnTo=${encodeURIComponent(returnTo)}`;
}

function classify(error: unknown, req: Request, res: Response): { code: ErrorCode; params: Record<string, string | number> } {
  if (error instanceof AppError) return { code: error.code, params: error.params };
  const requestId = res.locals.requestId;
  if (error instanceof AuditAppendError) {
    logger.error('audit append failed', { requestId, route: req.route?.path, error });
    return { code: 'audit_unavailable', params: {} };
  }
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    logger.info('page form rejected by parser', { requestId, status, type: (error as { type?: unknown }).type });
    return { code: 'validation_failed', params: { field: 'formulaire', reason: 'le formulaire envoyé est illisible ou trop long' } };
  }
  logger.error('unhandled error on a page', { requestId, route: req.route?.path, error });
  return { code: 'internal_error', params: {} };
}
