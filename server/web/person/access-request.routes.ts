import { Router, type Response } from 'express';

import { addUtcMonths } from '../../../policies/index.js';
import { approveAccessRequest, refuseAccessRequest } from '../../access-requests/access-request-answer.service.js';
import { listPersonAccessRequests } from '../../access-requests/access-request-read.service.js';
import type { AccessRequestView } from '../../access-requests/access-request.types.js';
import { buildAccessRequestViews } from '../../access-requests/access-request-view.js';
import { createSharingCode } from '../../access-requests/sharing-code.service.js';
import { SHARING_CODES_PER_HOUR } from '../../access-requests/sharing-code.routes.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors/app-error.js';
import { personActor, type PersonActor } from '../../grants/person-actor.js';
import { MAX_PAGE_SIZE } from '../../http/page-query.js';
import { rateLimit } from '../../http/rate-limit.js';
import { currentSession, requireSession, sessionOf } from '../../identity/session.middleware.js';
import { formatDay } from '../dates.js';
import { firstChoiceId, formValue, parseForm, requireFormCsrf } from '../forms.js';
import { doneMessage, sendPage } from '../page-response.js';
import { accessRequestListPage, approvalChoices, approveRequestPage, KEEP_REQUESTED_END, refuseRequestPage, sharingCodePage } from './access-request-pages.js';
import { consentSentence } from './share-pages.js';

const DONE_MESSAGES = {
  acceptee: 'Vous avez accepté la demande : le partage est créé et figure dans vos partages.',
  refusee: 'Vous avez refusé la demande. Le partenaire n\'a accès à aucun document.',
} as const;

/**
 * "Demandes d'accès": sharing codes to give to a partner, and the partners'
 * requests with their approval (optionally shorter) or refusal.
 */
export function accessRequestPageRoutes(ctx: AppContext): Router {
  const router = Router();
  const csrf = requireFormCsrf(ctx);
  // The same limit as the API's, counted separately.
  const codeRateLimit = rateLimit({ windowMs: 60 * 60 * 1000, max: SHARING_CODES_PER_HOUR, key: (req) => currentSession(req.res!)?.accountId ?? 'none' });

  router.get('/demandes', requireSession, async (req, res) => {
    const requests = await loadRequests(ctx, personActor(req, res));
    const main = accessRequestListPage(requests, doneMessage(req.query, DONE_MESSAGES), sessionOf(res).csrfToken);
    sendPage(res, { title: 'Demandes d\'accès', main, currentPath: '/demandes' });
  });

  // The code is shown in this POST's response rather than after a redirect,
  // because it is stored hashed and can never be shown again.
  router.post('/demandes/code', requireSession, parseForm, csrf, codeRateLimit, async (req, res) => {
    const { sharingCode, code } = await createSharingCode(ctx, personActor(req, res));
    sendPage(res, { title: 'Votre code de partage', main: sharingCodePage(code, sharingCode.expiresAt), currentPath: '/demandes', status: 201 });
  });

  router.get('/demandes/:id/accepter', requireSession, async (req, res) => {
    const request = await findPendingRequest(ctx, personActor(req, res), req.params.id as string);
    sendApprovalPage(res, request, KEEP_REQUESTED_END, false);
  });

  router.post('/demandes/:id/accepter', requireSession, parseForm, csrf, async (req, res) => {
    const actor = personActor(req, res);
    const request = await findPendingRequest(ctx, actor, req.params.id as string);
    const now = new Date();
    const choice = formValue(req.body, 'duration');
    if (!approvalChoices(request, now).some((option) => option.value === choice)) {
      sendApprovalPage(res, request, choice, true);
      return;
    }
    const endsAt = choice === KEEP_REQUESTED_END ? null : addUtcMonths(now, Number(choice));
    await approveAccessRequest(ctx, actor, request.id, { endsAt, documentIds: [] });
    res.redirect(303, '/demandes?fait=acceptee');
  });

  router.get('/demandes/:id/refuser', requireSession, async (req, res) => {
    const request = await findPendingRequest(ctx, personActor(req, res), req.params.id as string);
    sendPage(res, { title: `Refuser la demande de ${request.partner.name}`, main: refuseRequestPage(request, sessionOf(res).csrfToken), currentPath: '/demandes' });
  });

  router.post('/demandes/:id/refuser', requireSession, parseForm, csrf, async (req, res) => {
    await refuseAccessRequest(ctx, personActor(req, res), req.params.id as string);
    res.redirect(303, '/demandes?fait=refusee');
  });

  return router;
}

function sendApprovalPage(res: Response, request: AccessRequestView, choice: string, invalid: boolean): void {
  const now = new Date();
  const errors = invalid ? [{ fieldId: firstChoiceId('duration'), message: 'Choisissez jusqu\'à quand le partenaire pourra consulter vos documents.' }] : [];
  const consent = consentSentence({
    partnerName: request.partner.name,
    purposeLabel: request.purposeText ? `${request.purposeLabel} : ${request.purposeText}` : request.purposeLabel,
    scope: request.categories.map((category) => `tous les documents de la catégorie « ${category.label} »`),
    startsAt: now,
    endsAt: new Date(request.requestedEndsAt),
  }).replace(formatDay(request.requestedEndsAt), `${formatDay(request.requestedEndsAt)} (ou à la date plus proche que vous choisissez ci-dessus)`);
  const main = approveRequestPage(request, consent, choice, errors, sessionOf(res).csrfToken, now);
  sendPage(res, { title: `Accepter la demande de ${request.partner.name}`, main, currentPath: '/demandes', hasErrors: invalid, status: invalid ? 400 : 200 });
}

// NOTE: the person's 200 newest requests only, for the list and for finding
// one by id, because the service has no read of a single request.
async function loadRequests(ctx: AppContext, actor: PersonActor): Promise<AccessRequestView[]> {
  const page = await listPersonAccessRequests(ctx, actor, { limit: MAX_PAGE_SIZE });
  return buildAccessRequestViews(ctx, actor.accountId, page.items, 'fr', new Date());
}

// A request that is answered, expired, unknown or another person's is not
// found, as the answer service decides too.
async function findPendingRequest(ctx: AppContext, actor: PersonActor, id: string): Promise<AccessRequestView> {
  const request = (await loadRequests(ctx, actor)).find((candidate) => candidate.id === id && candidate.status === 'pending');
  if (!request) throw new AppError('access_request_not_found');
  return request;
}
