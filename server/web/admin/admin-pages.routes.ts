import express, { Router, type Request, type Response } from 'express';

import type { AppContext } from '../../context.js';
import { AppError } from '../../errors/app-error.js';
import { requireCsrf } from '../../identity/session.middleware.js';
import type { PartnerAdminActor } from '../../partners/partner-audit.js';
import { listPartnerPage, reactivatePartner, readPartner, registerPartner, suspendPartner } from '../../partners/partner-admin.service.js';
import { parsePartnerListQuery } from '../../partners/partner-list-query.js';
import { checkStaffPage, type StaffPageAccess } from '../dpo/staff-page-access.js';
import { titleWithErrors } from '../dpo/staff-form-html.js';
import { pageRoute, sendStaffPage } from '../dpo/staff-page.js';
import { ADMIN_HOME_PATH, PARTNER_LIST_PATH, PARTNER_NEW_PATH, partnerPath } from './admin-paths.js';
import { partnerDetailHtml, type PartnerNotice } from './partner-detail-page.js';
import { readPartnerForm } from './partner-form.js';
import { partnerListHtml } from './partner-list-page.js';
import { EMPTY_PARTNER_FORM, partnerRegistrationHtml } from './partner-registration-page.js';
import { statusConfirmationHtml, statusPageTitle, type StatusChange } from './partner-status-page.js';

// Notices that a redirect after a change asks the partner's page to show.
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
 * answer with a redirect (303) to the partner's page.
 *
 * - `GET /admin`: links to the pages below.
 * - `GET /admin/partenaires`: the registry, newest first, by cursor.
 * - `GET|POST /admin/partenaires/nouveau`: the registration form.
 * - `GET /admin/partenaires/:id`: one partner.
 * - `GET|POST /admin/partenaires/:id/suspendre` and `…/reactiver`: the confirmation and the change.
 */
export function adminPageRoutes(ctx: AppContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 20 });
  const csrf = requireCsrf(ctx);

  // requireCsrf is a middleware; called here after the role check, as the API orders them.
  const checkCsrf = (req: Request, res: Response): void => {
    let refusal: unknown;
    csrf(req, res, (error?: unknown) => {
      refusal = error;
    });
    if (refusal instanceof AppError) throw refusal;
  };

  router.get(ADMIN_HOME_PATH, pageRoute(async (req, res) => {
    if (!(await checkStaffPage(req, res, 'partner.manage'))) return;
    sendStaffPage(res, { title: 'Espace d\'administration', mainHtml: adminHomeHtml() });
  }));

  router.get(PARTNER_LIST_PATH, pageRoute(async (req, res) => {
    if (!(await checkStaffPage(req, res, 'partner.manage'))) return;
    const query = parsePartnerListQuery(req.query as Record<string, unknown>);
    sendStaffPage(res, { title: 'Partenaires', mainHtml: partnerListHtml(await listPartnerPage(ctx.db, query)) });
  }));

  router.get(PARTNER_NEW_PATH, pageRoute(async (req, res) => {
    const access = await checkStaffPage(req, res, 'partner.manage');
    if (!access) return;
    sendStaffPage(res, { title: 'Enregistrer un partenaire', mainHtml: partnerRegistrationHtml(EMPTY_PARTNER_FORM, [], access.session.csrfToken, PARTNER_NEW_PATH) });
  }));

  router.post(PARTNER_NEW_PATH, form, pageRoute(async (req, res) => {
    const access = await checkStaffPage(req, res, 'partner.manage');
    if (!access) return;
    checkCsrf(req, res);

    const submitted = await readPartnerForm((req.body ?? {}) as Record<string, unknown>);
    if (submitted.registration === null) {
      sendStaffPage(res, {
        status: 400,
        title: titleWithErrors('Enregistrer un partenaire', submitted.errors),
        mainHtml: partnerRegistrationHtml(submitted.values, submitted.errors, access.session.csrfToken, PARTNER_NEW_PATH),
      });
      return;
    }
    const partner = await registerPartner(ctx.db, adminActor(access), submitted.registration);
    res.redirect(303, `${partnerPath(partner.id)}?fait=enregistre`);
  }));

  router.get(`${PARTNER_LIST_PATH}/:id`, pageRoute(async (req, res) => {
    if (!(await checkStaffPage(req, res, 'partner.manage'))) return;
    const partner = await readPartner(ctx.db, req.params.id as string);
    const done = typeof req.query.fait === 'string' && Object.hasOwn(DONE_NOTICES, req.query.fait) ? DONE_NOTICES[req.query.fait] : undefined;
    sendStaffPage(res, { title: `Partenaire ${partner.name}`, mainHtml: partnerDetailHtml(partner, done) });
  }));

  for (const change of ['suspend', 'reactivate'] as const) {
    const path = `${PARTNER_LIST_PATH}/:id/${change === 'suspend' ? 'suspendre' : 'reactiver'}`;

    router.get(path, pageRoute(async (req, res) => {
      const access = await checkStaffPage(req, res, 'partner.manage');
      if (!access) return;
      const partner = await readPartner(ctx.db, req.params.id as string);
      if (partner.status !== statusBefore(change)) {
        // Nothing to confirm: the partner's page says where it stands.
        res.redirect(303, partnerPath(partner.id));
        return;
      }
      sendStaffPage(res, { title: statusPageTitle(partner, change), mainHtml: statusConfirmationHtml(partner, change, access.session.csrfToken) });
    }));

    router.post(path, form, pageRoute(async (req, res) => {
      const access = await checkStaffPage(req, res, 'partner.manage');
      if (!access) return;
      checkCsrf(req, res);

      const id = req.params.id as string;
      try {
        const changeStatus = change === 'suspend' ? suspendPartner : reactivatePartner;
        await changeStatus(ctx.db, adminActor(access), id);
      } catch (error) {
        if (!(error instanceof AppError) || (error.code !== 'partner_already_suspended' && error.code !== 'partner_already_active')) throw error;
        // Another administrator changed it first: show where it stands, with the reason.
        const partner = await readPartner(ctx.db, id);
        const notice: PartnerNotice = {
          kind: 'error',
          title: error.code === 'partner_already_suspended' ? 'Partenaire déjà suspendu' : 'Partenaire déjà actif',
          text: 'Rien n\'a été modifié : le partenaire était déjà dans cet état.',
        };
        sendStaffPage(res, { status: 409, title: `Partenaire ${partner.name}`, mainHtml: partnerDetailHtml(partner, notice) });
        return;
      }
      res.redirect(303, `${partnerPath(id)}?fait=${change === 'suspend' ? 'suspendu' : 'reactive'}`);
    }));
  }

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
