import type { Response } from 'express';

import { currentSession } from '../identity/session.middleware.js';
import { renderPage, type PageOptions } from './layout.js';

/**
 * Sends a whole page with the request's session, `no-store` (pages show
 * personal data) and the given status, 200 by default.
 */
export function sendPage(res: Response, options: Omit<PageOptions, 'session'> & { status?: number }): void {
  const { status = 200, ...page } = options;
  res.status(status).set('Cache-Control', 'no-store').type('html').send(renderPage({ ...page, session: currentSession(res) }));
}

/**
 * Returns the confirmation message that a redirect after a form named in its
 * `fait` query value, such as `/documents?fait=ajoute`. Only the fixed
 * messages of `messages` can appear, so the URL carries no personal data.
 */
export function doneMessage(query: unknown, messages: Readonly<Record<string, string>>): string | undefined {
  const key = (query as Record<string, unknown> | undefined)?.fait;
  return typeof key === 'string' && Object.hasOwn(messages, key) ? messages[key] : undefined;
}
