import { Router } from 'express';

import { ERASURE_MAX_SIGN_IN_AGE_MS } from '../../../policies/index.js';
import type { AppContext } from '../../context.js';
import { issueErasureCertificate } from '../../erasure/erasure-certificate.service.js';
import { eraseAccount } from '../../erasure/erasure.service.js';
import { AppError } from '../../errors/app-error.js';
import { personActor } from '../../grants/person-actor.js';
import { requireSession, sessionOf } from '../../identity/session.middleware.js';
import { clearSessionCookie } from '../../identity/session-cookie.js';
import { logger } from '../../logging/logger.js';
import { accountPage, erasedPage, erasurePage, type ErasurePageState } from './account-pages.js';
import { formValue, parseForm, requireFormCsrf } from '../forms.js';
import { sendPage } from '../page-response.js';

/** Field of the erasure form: the box the person ticks to confirm that the erasure cannot be undone. */
export const UNDERSTOOD_FIELD = 'compris';

/**
 * "Mon compte": the export of the whole vault, and the erasure of the
 * account with its confirmation page.
 *
 * - `GET /compte`: links to the export (`GET /api/v1/export`) and to the erasure.
 * - `GET /compte/supprimer`: what the erasure does, and the form, or a
 *   link to sign in again when the sign-in is older than five minutes.
 * - `POST /compte/supprimer`: erases, ends the session, and shows the
 *   erasure certificate to keep.
 */
export function accountPageRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/compte', requireSession, (_req, res) => {
    sendPage(res, { title: 'Mon compte', main: accountPage(), currentPath: '/compte' });
  });

  router.get('/compte/supprimer', requireSession, (_req, res) => {
    sendErasurePage(res, { csrfToken: sessionOf(res).csrfToken, recentSignIn: isRecent(sessionOf(res).authTime), errors: [] });
  });

  router.post('/compte/supprimer', requireSession, parseForm, requireFormCsrf(ctx), async (req, res) => {
    const session = sessionOf(res);
    const state: ErasurePageState = { csrfToken: session.csrfToken, recentSignIn: isRecent(session.authTime), errors: [] };
    if (formValue(req.body, UNDERSTOOD_FIELD) !== 'oui') {
      state.errors.push({ fieldId: `${UNDERSTOOD_FIELD}-0`, message: 'Cochez la case pour confirmer que vous comprenez que la suppression est définitive.' });
      return sendErasurePage(res, state, 400);
    }

    const actor = personActor(req, res);
    let erasure;
    try {
      erasure = await eraseAccount(ctx, actor, session.authTime);
    } catch (error) {
      // The service has recorded the refusal; the page offers a new sign-in.
      if (error instanceof AppError && error.code === 'reauthentication_required') {
        return sendErasurePage(res, { ...state, recentSignIn: false }, 403);
      }
      throw error;
    }
    clearSessionCookie(res, ctx.config);
    logger.info('account erased', { requestId: actor.requestId, accountId: actor.accountId, auditSeq: erasure.auditEntry.seq });

    let certificate: string | null = null;
    try {
      certificate = JSON.stringify(await issueErasureCertificate(ctx, erasure), null, 2);
    } catch (error) {
      // NOTE: as in the API, the erasure has committed and the certificate
      // cannot be issued again, so the page tells the person instead of failing.
      logger.error('erasure certificate failed after the erasure committed', { requestId: actor.requestId, accountId: actor.accountId, error });
    }
    // The erasure ended the session, so the page is rendered signed out:
    // no navigation and no sign-out button.
    res.locals.session = undefined;
    sendPage(res, { title: 'Compte supprimé', main: erasedPage(certificate) });
  });

  return router;
}

function sendErasurePage(res: Parameters<typeof sendPage>[0], state: ErasurePageState, status = 200): void {
  sendPage(res, { status, title: 'Supprimer mon compte', main: erasurePage(state), currentPath: '/compte', hasErrors: state.errors.length > 0 });
}

function isRecent(authTime: Date): boolean {
  return Date.now() - authTime.getTime() < ERASURE_MAX_SIGN_IN_AGE_MS;
}
