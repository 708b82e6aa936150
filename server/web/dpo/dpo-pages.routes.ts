import { Router } from 'express';

import { recordVerification, verifyAuditLog } from '../../audit/audit-verification.service.js';
import type { AppContext } from '../../context.js';
import { findHeadSeq } from '../../dpo/audit-event.repository.js';
import { searchAuditJournal } from '../../dpo/audit-journal.service.js';
import { ACTION_LABELS } from '../../dpo/audit-labels.js';
import { appendStaffAudit, type StaffActor, type StaffAuditEvent } from '../../dpo/staff-access.js';
import { listPartnerPage } from '../../partners/partner-admin.service.js';
import { MAX_PAGE_SIZE } from '../../http/page-query.js';
import { readExportForm } from './export-form.js';
import { EXPORT_PAGE_PATH, exportPageHtml } from './export-page.js';
import { readJournalForm } from './journal-form.js';
import { JOURNAL_PAGE_PATH, journalPageHtml } from './journal-page.js';
import { checkStaffPage } from './staff-page-access.js';
import { pageErrorHandler } from '../page-errors.js';
import { DPO_NAV, sendStaffPage } from './staff-page.js';
import { VERIFICATION_PAGE_PATH, verificationPageHtml } from './verification-page.js';

/** Path of the DPO's home page, which links to the others. */
export const DPO_HOME_PATH = '/dpo';

const KNOWN_ACTIONS: ReadonlySet<string> = new Set(Object.keys(ACTION_LABELS));

/**
 * Builds the DPO's web pages. Each one checks the role with the same policy
 * (`decideStaffAction`) and the same audit entry for a refusal as its API
 * route. It reads the log through the same services, so a page search is
 * recorded exactly like an API search.
 *
 * - `GET /dpo`: links to the pages below.
 * - `GET /dpo/journal`: the filter form and one page of entries.
 * - `GET /dpo/export`: a range of entries and the download links.
 * - `GET /dpo/verification`: verifies the chain and shows the result.
 */
export function dpoPageRoutes(ctx: AppContext): Router {
  const router = Router();

  const recordDenial = (action: StaffAuditEvent['action']) => (actor: StaffActor, reason: string) =>
    ctx.db.transaction().execute((trx) => appendStaffAudit(trx, actor, { action, outcome: 'deny', reason, subjectId: null, partnerId: null }));

  router.get(DPO_HOME_PATH, async (req, res) => {
    const access = await checkStaffPage(req, res, 'audit.read');
    if (!access) return;
    sendStaffPage(req, res, { title: 'Espace du délégué à la protection des données', mainHtml: dpoHomeHtml(), nav: DPO_NAV, session: access.session });
  });

  router.get(JOURNAL_PAGE_PATH, async (req, res) => {
    const access = await checkStaffPage(req, res, 'audit.read', recordDenial('audit.search'));
    if (!access) return;

    const form = readJournalForm(req.query as Record<string, unknown>, KNOWN_ACTIONS);
    const page = form.query === null ? null : await searchAuditJournal(ctx, access.actor, form.query, 'fr');
    const partners = await partnerNames(ctx);
    const invalid = form.errors.length > 0 || form.linkError !== null;
    sendStaffPage(req, res, {
      status: invalid ? 400 : 200,
      title: 'Journal d\'audit',
      hasErrors: invalid,
      mainHtml: journalPageHtml({ values: form.values, errors: form.errors, linkError: form.linkError, page, partners }),
      nav: DPO_NAV,
      session: access.session,
    });
  });

  router.get(EXPORT_PAGE_PATH, async (req, res) => {
    const access = await checkStaffPage(req, res, 'audit.export', recordDenial('audit.export'));
    if (!access) return;

    const form = await readExportForm(req.query as Record<string, unknown>, (chain) => findHeadSeq(ctx.db, chain));
    const logIsEmpty = (await ctx.db.selectFrom('audit_events').select('seq').limit(1).executeTakeFirst()) === undefined;
    sendStaffPage(req, res, {
      status: form.errors.length > 0 ? 400 : 200,
      title: 'Exporter le journal d\'audit',
      hasErrors: form.errors.length > 0,
      mainHtml: exportPageHtml(form, logIsEmpty),
      nav: DPO_NAV,
      session: access.session,
    });
  });

  router.get(VERIFICATION_PAGE_PATH, async (req, res) => {
    const access = await checkStaffPage(req, res, 'audit.verify', (actor, reason) => recordVerification(ctx.db, actor, 'deny', reason));
    if (!access) return;

    // As the API route does: the verification is recorded under the DPO actor type.
    const view = await verifyAuditLog(ctx.db, ctx.keys, { ...access.actor, actorType: 'dpo' });
    sendStaffPage(req, res, { title: 'Vérification du journal d\'audit', mainHtml: verificationPageHtml(view), nav: DPO_NAV, session: access.session });
  });

  // Errors of these routes only: Express skips a router's error handlers for errors raised before it.
  router.use(pageErrorHandler);
  return router;
}

// NOTE: the filter lists the 200 newest partners; an older partner is still
// found by its id in the address (partnerId=…), shown as an extra option.
async function partnerNames(ctx: AppContext): Promise<Map<string, string>> {
  const page = await listPartnerPage(ctx.db, { limit: MAX_PAGE_SIZE });
  const sorted = [...page.items].sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  return new Map(sorted.map((partner) => [partner.id, partner.name]));
}

function dpoHomeHtml(): string {
  return [
    '<h1>Espace du délégué à la protection des données</h1>',
    '<p>Vous consultez et exportez le journal d\'audit, et vous vérifiez qu\'il n\'a pas été modifié. Vous n\'avez accès à aucun document ni à ses informations.</p>',
    '<ul>',
    `<li><a href="${JOURNAL_PAGE_PATH}">Consulter le journal d'audit</a></li>`,
    `<li><a href="${EXPORT_PAGE_PATH}">Exporter le journal</a></li>`,
    `<li><a href="${VERIFICATION_PAGE_PATH}">Vérifier l'intégrité du journal</a></li>`,
    '</ul>',
  ].join('\n');
}
