import express, { Router } from 'express';

import type { AppContext } from '../../context.js';
import { AppError } from '../../errors/app-error.js';
import { logger } from '../../logging/logger.js';
import type { PartnerAdminActor } from '../../partners/partner-audit.js';
import { listPartnerPage, reactivatePartner, readPartner, registerPartner, suspendPartner } from '../../partners/partner-admin.service.js';
import { parsePartnerListQuery } from '../../partners/partner-list-query.js';
import { checkStaffPage, type StaffPageAccess } from '../dpo/staff-page-access.js';
import { ADMIN_NAV, sendStaffPage } from '../dpo/staff-page.js';
import { requireFormCsrf } from '../forms.js';
import { pageErrorHandler } from '../page-errors.js';
import { ADMIN_HOME_PATH, PARTNER_LIST_PATH, PARTNER_NEW_PATH, partnerPath } from './admin-paths.js';
import { partnerDetailHtml, type PartnerNotice } from './partner-detail-page.js';
import { readPartnerForm } from './partner-form.js';
import { partnerListHtml } from './partner-list-page.js';
import { EMPTY_PARTNER_FORM, partnerRegistrationHtml } from './partner-registration-page.js';
import { statusConfirmationHtml, statusPageTitle, type StatusChange } from './partner-status-page.js';

// Notices that the partner's page shows after the redirect that follows a change (`?fait=`).
const DONE_NOTICES: Readonly<Record<string, PartnerNotice>> = {
  enregistre: { kind: 'success', title: 'Partenaire enregistré', text: 'Transmettez au partenaire son identifiant client ci-dessous : son logiciel en a besoin pour obtenir des jetons d\'accès.' },
  suspendu: { kind: 'success', title: 'Partenaire suspendu', text: 'Le partenaire ne peut plus rien lire ni demander, dès sa prochaine requête.' },
  reactive: { kind: 'success', title: 'Partenaire réactivé', text: 'Le partenaire peut de nouveau lire les documents qui lui sont partagés, dans les dates de chaque partage.' },
};

/**
 * Builds the administrator's pages on the partner registry. They check the
 * role with the same policy as `/admin/v1/partners` and change the registry
 * through the same service, so each change has the same audit entry. Forms
 * post `application/x-www-form-urlencoded` with the session's CSRF token and
 * return a redirect (303) to the partner's page.
 *
 * - `GET /admin`: links to the pages below.
 * - `GET /admin/partenaires`: the registry, newest first, by cursor.
 * - `GET|POST /admin/partenaires/nouveau`: the registration form.
 * - `GET /admin/partenaires/:id`: one partner.
 * - `GET|POST /admin/partenaires/:id/suspendre` and `…/reactiver`: the confirmation and the change.
 */
export function adminPageRoutes(ctx: AppContext): Router {
  const router = Router();
  // The API's body limit, so a JWK Set that the API accepts fits in the form too.
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 20 });
  // Without a session it passes, and the route redirects to the sign-in.
  const csrf = requireFormCsrf(ctx);

  router.get(ADMIN_HOME_PATH, async (req, res) => {
    const access = await checkStaffPage(req, res, 'partner.manage');
    if (!access) return;
    sendStaffPage(req, res, { title: 'Espace d\'administration', mainHtml: adminHomeHtml(), nav: ADMIN_NAV, session: access.session });
  });

  router.get(PARTNER_LIST_PATH, async (req, res) => {
    const access = await checkStaffPage(req, res, 'partner.manage');
    if (!access) return;
    const query = parsePartnerListQuery(req.query as Record<string, unknown>);
    sendStaffPage(req, res, { title: 'Partenaires', mainHtml: partnerListHtml(await listPartnerPage(ctx.db, query)), nav: ADMIN_NAV, session: access.session });
  });

  router.get(PARTNER_NEW_PATH, async (req, res) => {
    const access = await checkStaffPage(req, res, 'partner.manage');
    if (!access) return;
    sendStaffPage(req, res, {
      title: 'Enregistrer un partenaire',
      mainHtml: partnerRegistrationHtml(EMPTY_PARTNER_FORM, [], access.session.csrfToken, PARTNER_NEW_PATH),
      nav: ADMIN_NAV,
      session: access.session,
    });
  });

  router.post(PARTNER_NEW_PATH, form, csrf, async (req, res) => {
    const access = await checkStaffPage(req, res, 'partner.manage');
    if (!access) return;

    const submitted = await readPartnerForm((req.body ?? {}) as Record<string, unknown>);
    if (submitted.registration === null) {
      sendStaffPage(req, res, {
        status: 400,
        title: 'Enregistrer un partenaire',
        hasErrors: true,
        mainHtml: partnerRegistrationHtml(submitted.values, submitted.errors, access.session.csrfToken, PARTNER_NEW_PATH),
        nav: ADMIN_NAV,
        session: access.session,
      });
      return;
    }
    const partner = await registerPartner(ctx.db, adminActor(access), submitted.registration);
    res.redirect(303, `${partnerPath(partner.id)}?fait=enregistre`);
  });

  router.get(`${PARTNER_LIST_PATH}/:id`, async (req, res) => {
    const access = await checkStaffPage(req, res, 'partner.manage');
    if (!access) return;
    const partner = await readPartner(ctx.db, req.params.id as string);
    const done = typeof req.query.fait === 'string' && Object.hasOwn(DONE_NOTICES, req.query.fait) ? DONE_NOTICES[req.query.fait] : undefined;
    sendStaffPage(req, res, { title: `Partenaire ${partner.name}`, mainHtml: partnerDetailHtml(partner, done), nav: ADMIN_NAV, session: access.session });
  });

  for (const change of ['suspend', 'reactivate'] as const) {
    const path = `${PARTNER_LIST_PATH}/:id/${change === 'suspend' ? 'suspendre' : 'reactiver'}`;

    router.get(path, async (req, res) => {
      const access = await checkStaffPage(req, res, 'partner.manage');
      if (!access) return;
      const partner = await readPartner(ctx.db, req.params.id as string);
      if (partner.status !== statusBefore(change)) {
        // Nothing to confirm, so the partner's page shows its current status.
        res.redirect(303, partnerPath(partner.id));
        return;
      }
      sendStaffPage(req, res, {
        title: statusPageTitle(partner, change),
        mainHtml: statusConfirmationHtml(partner, change, access.session.csrfToken),
        nav: ADMIN_NAV,
        session: access.session,
      });
    });

    router.post(path, form, csrf, async (req, res) => {
      const access = await checkStaffPage(req, res, 'partner.manage');
      if (!access) return;
  
      const id = req.params.id as string;
      try {
        const changeStatus = change === 'suspend' ? suspendPartner : reactivatePartner;
        await changeStatus(ctx.db, adminActor(access), id);
      } catch (error) {
        if (!(error instanceof AppError) || (error.code !== 'partner_already_suspended' && error.code !== 'partner_already_active')) throw error;
        // Another administrator changed it first, so show its current status and why nothing changed.
        logger.info('partner status unchanged', { requestId: access.actor.requestId, partnerId: id, code: error.code });
        const partner = await readPartner(ctx.db, id);
        const notice: PartnerNotice = {
          kind: 'error',
          title: error.code === 'partner_already_suspended' ? 'Partenaire déjà suspendu' : 'Partenaire déjà actif',
          text: 'Rien n\'a été modifié : le partenaire était déjà dans cet état.',
        };
        sendStaffPage(req, res, { status: 409, title: `Partenaire ${partner.name}`, mainHtml: partnerDetailHtml(partner, notice), nav: ADMIN_NAV, session: access.session });
        return;
      }
      res.redirect(303, `${partnerPath(id)}?fait=${change === 'suspend' ? 'suspendu' : 'reactive'}`);
    });
  }

  // Errors of these routes only: Express skips a router's error handlers for errors raised before it.
  router.use(pageErrorHandler);
  return router;
}

function statusBefore(change: StatusChange): 'active' | 'suspended' {
  return change === 'suspend' ? 'active' : 'suspended';
}

function adminActor(access: StaffPageAccess): PartnerAdminActor {
  return { actorType: 'admin', actorId: access.actor.accountId, requestId: access.actor.requestId, sourceAddress: access.actor.sourceAddress };
}

function adminHomeHtml(): string {
  return [
    '<h1>Espace d\'administration</h1>',
    '<p>Vous enregistrez, suspendez et réactivez les partenaires. Vous n\'avez accès à aucun document ni à ses informations.</p>',
    '<ul>',
    `<li><a href="${PARTNER_LIST_PATH}">Voir les partenaires</a></li>`,
    `<li><a href="${PARTNER_NEW_PATH}">Enregistrer un partenaire</a></li>`,
    '</ul>',
  ].join('\n');
}
