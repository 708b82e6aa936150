import type { ErrorRequestHandler, Response } from 'express';

import { AuditAppendError } from '../../audit/append.js';
import { logger } from '../logging/logger.js';
import { requestLocale } from '../i18n/locale.js';
import { AppError } from './app-error.js';
import { describeError, type ErrorCode } from './error-catalog.js';

/** Writes an RFC 9457 problem detail; the only place that does. */
export function sendProblem(res: Response, code: ErrorCode, params: Record<string, string | number> = {}, extra: Record<string, unknown> = {}): void {
  const req = res.req;
  const locale = requestLocale(req);
  const { status, title, detail } = describeError(code, locale, params);
  res
    .status(status)
    .type('application/problem+json')
    .set('Cache-Control', 'no-store')
    .set('Content-Language', locale)
    .vary('Accept-Language')
    .send(JSON.stringify({
      type: `urn:coffre:problem:${code}`,
      code,
      status,
      title,
      detail,
      requestId: res.locals.requestId ?? null,
      ...extra,
    }));
}

/**
 * Express's final error handler. Client errors carry their code. Anything
 * else is logged with its cause and gets the generic 500 body, so no stack,
 * SQL or internal name reaches a response.
 */
export const problemErrorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const requestId = res.locals.requestId;

  if (error instanceof AppError) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, error.code, error.params);
    return;
  }

  // A route that lets an append failure through unwrapped still fails
  // closed with the same response as the routes that wrap it.
  if (error instanceof AuditAppendError) {
    logger.error('audit append failed', { requestId, route: req.route?.path, error });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, 'audit_unavailable');
    return;
  }

  // body-parser and friends mark client faults with a 4xx status.
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    logger.info('request rejected by parser', { requestId, status, type: (error as { type?: unknown }).type });
    if (!res.headersSent) sendProblem(res, status === 413 ? 'file_too_large' : 'validation_failed', { field: 'body', reason: 'corps de requête illisible ou trop long', reasonEn: 'unreadable or too long request body', maxMegabytes: 1 });
    return;
  }

  logger.error('unhandled error', { requestId, route: req.route?.path, error });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendProblem(res, 'internal_error');
};
