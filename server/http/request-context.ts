import { randomUUID } from 'node:crypto';

import type { RequestHandler } from 'express';

import { logger } from '../logging/logger.js';

// The audit log accepts ids that start with a letter or digit; a client's id
// that would not fit is replaced rather than failing every audited request.
const REQUEST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{7,63}$/;

/**
 * Gives each request an id (the caller's X-Request-Id when it is well formed)
 * and logs one line when the response ends: route template, status and
 * duration, never the full URL, which can carry identifiers.
 */
export const requestContext: RequestHandler = (req, res, next) => {
  const offered = req.get('x-request-id');
  const requestId = offered && REQUEST_ID_PATTERN.test(offered) ? offered : randomUUID();
  res.locals.requestId = requestId;
  res.set('X-Request-Id', requestId);

  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    logger.info('request', {
      requestId,
      method: req.method,
      route: routeTemplate(req),
      status: res.statusCode,
      durationMs: Math.round(durationMs * 10) / 10,
      actorId: res.locals.actorId ?? null,
    });
  });
  next();
};

function routeTemplate(req: Parameters<RequestHandler>[0]): string {
  const route = req.route?.path;
  if (typeof route === 'string') return `${req.baseUrl}${route}`;
  return req.baseUrl || 'unmatched';
}
