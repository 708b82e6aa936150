import express, { type Express, type RequestHandler, type Router } from 'express';

import type { AppContext } from './context.js';
import { AppError } from './errors/app-error.js';
import { problemErrorHandler } from './errors/problem-response.js';
import { healthRoutes } from './http/health.routes.js';
import { requestContext } from './http/request-context.js';
import { securityHeaders } from './http/security-headers.js';
import { loadSession } from './identity/session.middleware.js';

/** Feature routers, built once the vault's services have started. */
export interface AppParts {
  /** Routers mounted at `/`, in order, after the session is loaded. */
  routers: Router[];
  /** Handlers mounted before the session (the development identity provider). */
  early?: Array<{ path: string; handler: RequestHandler | Router }>;
  formActionOrigins?: string[];
}

/**
 * Builds the Express application: request id and log line, security headers,
 * health checks, session, feature routes, then not-found and error handlers.
 */
export function createApp(ctx: AppContext, parts: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  // Document routes stream and set no ETag; JSON responses are small and
  // carry personal data, so they are not cached either.
  app.set('etag', false);
  // Guards that are plain handlers (requireSession) reach the database here.
  app.locals.db = ctx.db;
  app.set('query parser', 'simple');
  // Behind a reverse proxy, req.ip must be the client's address, or every
  // person would share one rate limit and one audited source address.
  app.set('trust proxy', ctx.config.trustedProxies);

  app.use(requestContext);
  app.use(securityHeaders(parts.formActionOrigins));
  app.use(healthRoutes(ctx));

  for (const { path, handler } of parts.early ?? []) app.use(path, handler);

  app.use(loadSession(ctx));
  for (const router of parts.routers) app.use(router);

  app.use((_req, _res, next) => next(new AppError('not_found')));
  app.use(problemErrorHandler);
  return app;
}
