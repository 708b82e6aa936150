import { randomUUID } from 'node:crypto';

import { Router, type Request, type Response } from 'express';

import { addUtcMonths } from '../../../policies/index.js';
import type { AppContext } from '../../context.js';
import { listDocuments } from '../../documents/document-read.service.js';
import { AppError } from '../../errors/app-error.js';
import { CURRENT_CONSENT_VERSION } from '../../grants/consent-text.js';
import { createGrant } from '../../grants/grant-create.service.js';
import { listPersonGrants, readPersonGrant } from '../../grants/grant-read.service.js';
import { revokePersonGrant } from '../../grants/grant-revoke.service.js';
import { buildGrantViews } from '../../grants/grant-view.js';
import { personActor, type PersonActor } from '../../grants/person-actor.js';
import { MAX_PAGE_SIZE } from '../../http/page-query.js';
import { requireSession, sessionOf } from '../../identity/session.middleware.js';
import { listActivePartners } from '../../partners/partner.repository.js';
import { firstChoiceId, formValue, parseForm, requireFormCsrf, type FieldError } from '../forms.js';
import { doneMessage, sendPage } from '../page-response.js';
import { grantListPage, revokeGrantPage } from './grant-pages.js';
import { checkShareForm, readShareForm, type ShareFormValues } from './share-form.js';
import { shareConfirmationPage, shareFormPage, summarizeShare, type ShareOffer } from './share-pages.js';

const DONE_MESSAGES = {
  cree: 'Votre partage est créé. Le partenaire peut consulter les documents choisis jusqu\'à la date de fin.',
  revoque: 'Le partage est révoqué : le partenaire ne peut plus consulter les documents de ce partage.',
} as const;

const frenchOrder = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });
const EMPTY_FORM: ShareFormValues = { partnerId: '', purpose: '', purposeText: '', documentIds: [], categories: [], months: '3' };

/**
 * "Partager" (form, confirmation with the consent text, creation) and
 * "Mes partages" (list, revocation with its confirmation page).
 */
export function sharePageRoutes(ctx: AppContext): Router {
  const router = Router();
  const csrf = requireFormCsrf(ctx);

  router.get('/partager', requireSession, async (req, res) => {
    const offer = await loadOffer(ctx, personActor(req, res));
    sendShareForm(res, offer, EMPTY_FORM, []);
  });

  router.post('/partager', requireSession, parseForm, csrf, async (req, res) => {
    const offer = await loadOffer(ctx, personActor(req, res));
    const values = readShareForm(req.body);
    const checked = checkShareForm(values, offeredIds(offer));
    if (!checked.share) {
      sendShareForm(res, offer, values, checked.errors);
      return;
    }
    const now = new Date();
    const main = shareConfirmationPage(checked.share, summarizeShare(checked.share, offer, now), sessionOf(res).csrfToken, randomUUID());
    sendPage(res, { title: 'Vérifier le partage', main, currentPath: '/partager' });
  });

  router.post('/partager/confirmer', requireSession, parseForm, csrf, async (req, res) => {
    const actor = personActor(req, res);
    const offer = await loadOffer(ctx, actor);
    const values = readShareForm(req.body);
    const checked = checkShareForm(values, offeredIds(offer));
    if (!checked.share || formValue(req.body, 'action') === 'modifier') {
      sendShareForm(res, offer, values, checked.errors);
      return;
    }
    const { share } = checked;
    const idempotencyKey = formValue(req.body, 'idempotencyKey');
    try {
      await createGrant(
        ctx,
        actor,
        {
          partnerId: share.partnerId,
          purpose: share.purpose,
          purposeText: share.purposeText,
          documentIds: share.documentIds,
          categories: share.categories,
          startsAt: null,
          endsAt: addUtcMonths(new Date(), share.months),
          // The version the confirmation page showed; an outdated one is refused.
          consentVersion: formValue(req.body, 'consentVersion') || CURRENT_CONSENT_VERSION,
        },
        /^[\x21-\x7e]{1,200}$/.test(idempotencyKey) ? idempotencyKey : null,
      );
    } catch (error) {
      const fieldError = error instanceof AppError ? grantFieldError(error) : undefined;
      if (!fieldError) throw error;
      sendShareForm(res, offer, values, [fieldError]);
      return;
    }
    res.redirect(303, '/partages?fait=cree');
  });

  router.get('/partages', requireSession, async (req, res) => {
    const actor = personActor(req, res);
    // NOTE: the 200 newest grants only; more would need pagination here.
    const page = await listPersonGrants(ctx, actor, { limit: MAX_PAGE_SIZE });
    const views = await buildGrantViews(ctx, actor.accountId, page.items, 'fr', new Date());
    sendPage(res, { title: 'Mes partages', main: grantListPage(views, doneMessage(req.query, DONE_MESSAGES)), currentPath: '/partages' });
  });

  router.get('/partages/:id/revoquer', requireSession, async (req, res) => {
    const actor = personActor(req, res);
    const grant = await readPersonGrant(ctx, actor, req.params.id as string);
    const [view] = await buildGrantViews(ctx, actor.accountId, [grant], 'fr', new Date());
    sendPage(res, { title: `Révoquer le partage avec ${view!.partner.name}`, main: revokeGrantPage(view!, sessionOf(res).csrfToken), currentPath: '/partages' });
  });

  router.post('/partages/:id/revoquer', requireSession, parseForm, csrf, async (req, res) => {
    await revokePersonGrant(ctx, personActor(req, res), req.params.id as string);
    res.redirect(303, '/partages?fait=revoque');
  });

  return router;
}

function sendShareForm(res: Response, offer: ShareOffer, values: ShareFormValues, errors: FieldError[]): void {
  const main = shareFormPage(offer, values, errors, sessionOf(res).csrfToken, new Date());
  sendPage(res, { title: 'Partager des documents', main, currentPath: '/partager', hasErrors: errors.length > 0, status: errors.length > 0 ? 400 : 200 });
}

async function loadOffer(ctx: AppContext, actor: PersonActor): Promise<ShareOffer> {
  // NOTE: the share form offers the person's 200 newest documents.
  const documents = await listDocuments(ctx, actor, { limit: MAX_PAGE_SIZE });
  const partners = await listActivePartners(ctx.db);
  partners.sort((left, right) => frenchOrder.compare(left.name, right.name));
  return { partners: partners.map((partner) => ({ id: partner.id, name: partner.name })), documents: documents.items };
}

function offeredIds(offer: ShareOffer) {
  return { partnerIds: new Set(offer.partners.map((partner) => partner.id)), documentIds: new Set(offer.documents.map((document) => document.id)) };
}

// A refusal by the grant policy, after the form's own checks passed: the
// partner was suspended or a document deleted meanwhile, or the consent
// text changed since the confirmation page.
function grantFieldError(error: AppError): FieldError | undefined {
  switch (error.code) {
    case 'partner_not_found':
    case 'partner_not_active':
      return { fieldId: 'partnerId', message: 'Ce partenaire ne peut plus recevoir de partage. Choisissez un autre partenaire.' };
    case 'document_not_found':
    case 'scope_empty':
    case 'category_unknown':
      return { fieldId: firstChoiceId('documentIds'), message: 'Un des documents choisis n\'existe plus. Vérifiez votre choix de documents.' };
    case 'consent_version_outdated':
      return { fieldId: 'partnerId', message: 'Le texte de l\'accord a changé depuis que vous l\'avez lu. Vérifiez votre partage à nouveau.' };
    default:
      return undefined;
  }
}
