import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';

import { appendAuditEvent } from '../../audit/append.js';
import { constantTimeEqual } from '../../crypto/constant-time.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import { findSession, touchSession } from './session.repository.js';
import { readCookie, sessionCookieName } from './session-cookie.js';
import type { Role, SessionInfo } from './session.types.js';

// Writing last_seen_at on every request would double the database writes;
// a minute of precision is enough for a 30-minute idle limit.
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Resolves the session cookie into `res.locals.session`. A missing, unknown
 * or expired session leaves it unset, and `res.locals.sessionExpired` marks
 * the expired case so that the error that follows can name it.
 */
export function loadSession(ctx: AppContext): RequestHandler {
  return async (req, res, next) => {
    const sessionId = readCookie(req, sessionCookieName(ctx.config));
    if (!sessionId || sessionId.length > 100) return next();

    const now = new Date();
    const lookup = await findSession(ctx.db, sessionId, ctx.config.session.idleMinutes, now);
    if (lookup.status === 'expired') res.locals.sessionExpired = true;
    if (lookup.status !== 'active') return next();

    if (now.getTime() - lookup.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      await touchSession(ctx.db, lookup.session.idHash, now);
    }
    res.locals.session = lookup.session;
    res.locals.actorId = lookup.session.accountId;
    next();
  };
}

export function currentSession(res: Response): SessionInfo | undefined {
  return res.locals.session as SessionInfo | undefined;
}

/** Returns the session of a route that `requireSession` guards; throws `unauthenticated` without one. */
export function sessionOf(res: Response): SessionInfo {
  const session = currentSession(res);
  if (!session) throw new AppError('unauthenticated');
  return session;
}

/** Refuses a request without a live session: 401 `unauthenticated` or `session_expired`. */
export const requireSession: RequestHandler = async (req, res, next) => {
  if (currentSession(res)) return next();
  next(await refusalWithoutSession(req, res));
};

/** Refuses a signed-in account that lacks the role: 403 `forbidden`. */
export function requireRole(role: Role): RequestHandler {
  return async (req, res, next) => {
    const session = currentSession(res);
    if (!session) return next(await refusalWithoutSession(req, res));
    if (!session.roles.includes(role)) return next(new AppError('forbidden'));
    next();
  };
}

// A request whose session expired is a refusal on personal-data routes
// before the caller is identified again, so it is recorded with the actor
// unknown (the expired session proves nothing about who sends it now). A
// request with no session at all carries no claim to record.
async function refusalWithoutSession(req: Request, res: Response): Promise<AppError> {
  if (!res.locals.sessionExpired) return new AppError('unauthenticated');

  const db = req.app.locals.db as Kysely<Database> | undefined;
  if (db) {
    try {
      await db.transaction().execute((trx) =>
        appendAuditEvent(trx, {
          actorType: 'unknown', actorId: null, subjectId: null,
          action: 'auth.session', resourceType: null, resourceId: null,
          outcome: 'deny', reason: 'session_expired',
          requestId: res.locals.requestId ?? null, sourceAddress: req.ip ?? null,
        }),
      );
    } catch (error) {
      return new AppError('audit_unavailable', {}, { cause: error });
    }
  }
  return new AppError('session_expired');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cookie sessions are sent by the browser on cross-site requests too, so an
 * unsafe method needs proof that the vault's own page or script sent it. The
 * Origin, when the client sends one, must equal the vault's, and the
 * session's CSRF token must come in the X-CSRF-Token header or the `_csrf`
 * form field.
 */
export function requireCsrf(ctx: AppContext): RequestHandler {
  const expectedOrigin = new URL(ctx.config.publicUrl).origin;
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const session = currentSession(res);
    if (!session) return next();

    // Under `Referrer-Policy: no-referrer` Chromium sends `Origin: null` with
    // a same-site form, so only another real origin is rejected; the token
    // below is required in every case.
    const origin = req.get('origin');
    if (origin !== undefined && origin !== 'null' && origin !== expectedOrigin) return next(new AppError('origin_mismatch'));

    const offered = req.get('x-csrf-token') ?? (typeof req.body?._csrf === 'string' ? req.body._csrf : undefined);
    if (!offered || !constantTimeEqual(offered, session.csrfToken)) return next(new AppError('csrf_failed'));
    next();
  };
}
