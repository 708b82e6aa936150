import type { NextFunction, Request, RequestHandler, Response } from 'express';

import { AppError } from '../../errors/app-error.js';
import { describeError, type ErrorCode } from '../../errors/error-catalog.js';
import { escapeHtml, renderPage } from '../../identity/html-page.js';
import { logger } from '../../logging/logger.js';

/** A staff page as a route hands it over: the unique title and the content of `<main>`. */
export interface StaffPage {
  title: string;
  /** Content of `<main>`, already escaped. */
  mainHtml: string;
  status?: number;
}

/**
 * Sends a staff page as a whole HTML document. Staff pages list ids of
 * people and are never cached.
 */
export function sendStaffPage(res: Response, page: StaffPage): void {
  res
    .status(page.status ?? 200)
    .type('html')
    .set('Cache-Control', 'no-store')
    .send(renderPage({ lang: 'fr', title: page.title, mainHtml: page.mainHtml }));
}

/** Sends the French page of an error from the catalog, with its status, title and detail. */
export function sendErrorPage(res: Response, code: ErrorCode, params: Record<string, string | number> = {}): void {
  const { status, title, detail } = describeError(code, 'fr', params);
  const mainHtml = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(detail)}</p>`,
    '<p><a href="/">Revenir à l\'accueil</a></p>',
  ].join('\n');
  sendStaffPage(res, { status, title, mainHtml });
}

/**
 * Wraps a page handler so that an `AppError` becomes a French HTML page
 * rather than the API's JSON problem. Other errors go on to the app's error
 * handler, which logs them and answers the generic 500.
 */
export function pageRoute(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      await handler(req, res);
    } catch (error) {
      if (!(error instanceof AppError) || res.headersSent) return next(error);
      if (error.code === 'audit_unavailable') logger.warn('staff page refused: audit unavailable', { requestId: res.locals.requestId, route: req.route?.path });
      sendErrorPage(res, error.code, error.params);
    }
  };
}
