import { Router } from 'express';

import type { AppContext } from '../../context.js';
import { removeDocument } from '../../documents/document-delete.service.js';
import { listDocuments, readDocument } from '../../documents/document-read.service.js';
import { UploadAbortedError } from '../../documents/upload-aborted-error.js';
import type { UploadFields } from '../../documents/upload-fields.js';
import { uploadDocument } from '../../documents/upload.service.js';
import { AppError } from '../../errors/app-error.js';
import { describeError } from '../../errors/error-catalog.js';
import { personActor } from '../../grants/person-actor.js';
import { MAX_PAGE_SIZE } from '../../http/page-query.js';
import { requireSession, sessionOf } from '../../identity/session.middleware.js';
import { parseForm, requireFormCsrf, type FieldError } from '../forms.js';
import { doneMessage, sendPage } from '../page-response.js';
import { addDocumentPage, deleteDocumentPage, documentListPage } from './document-pages.js';

const DONE_MESSAGES = {
  ajoute: 'Votre document a été ajouté à votre coffre.',
  supprime: 'Le document a été supprimé de votre coffre.',
} as const;

/**
 * Builds the "Mes documents" pages: the list, the add form (multipart, streamed to
 * the upload service) and the deletion with its confirmation page. Downloads
 * link to the documents API, which a signed-in browser reads with its cookie.
 */
export function documentPageRoutes(ctx: AppContext): Router {
  const router = Router();
  const csrf = requireFormCsrf(ctx);
  const maxMegabytes = Math.round((ctx.config.maxUploadBytes / (1024 * 1024)) * 10) / 10;

  router.get('/documents', requireSession, async (req, res) => {
    const page = await listDocuments(ctx, personActor(req, res), { limit: MAX_PAGE_SIZE });
    // NOTE: only the newest 200 documents are shown; a person with more
    // needs the list paginated with page.nextCursor.
    const main = documentListPage(page.items, doneMessage(req.query, DONE_MESSAGES), page.nextCursor !== null);
    sendPage(res, { title: 'Mes documents', main, currentPath: '/documents' });
  });

  router.get('/documents/ajouter', requireSession, (_req, res) => {
    const main = addDocumentPage(sessionOf(res).csrfToken, { category: '', title: '' }, [], maxMegabytes);
    sendPage(res, { title: 'Ajouter un document', main, currentPath: '/documents' });
  });

  router.post('/documents/ajouter', requireSession, csrf, async (req, res) => {
    const received: { fields?: UploadFields } = {};
    try {
      await uploadDocument(ctx, personActor(req, res), req, received);
    } catch (error) {
      if (error instanceof UploadAbortedError) return;
      const fieldError = error instanceof AppError ? uploadFieldError(error) : undefined;
      if (!fieldError) throw error;
      const values = { category: received.fields?.category ?? '', title: received.fields?.title ?? '' };
      const main = addDocumentPage(sessionOf(res).csrfToken, values, [fieldError], maxMegabytes);
      const status = describeError((error as AppError).code, 'fr', (error as AppError).params).status;
      sendPage(res, { title: 'Ajouter un document', main, currentPath: '/documents', hasErrors: true, status });
      return;
    }
    res.redirect(303, '/documents?fait=ajoute');
  });

  router.get('/documents/:id/supprimer', requireSession, async (req, res) => {
    const document = await readDocument(ctx, personActor(req, res), req.params.id as string);
    sendPage(res, { title: `Supprimer le document « ${document.title} »`, main: deleteDocumentPage(document, sessionOf(res).csrfToken), currentPath: '/documents' });
  });

  router.post('/documents/:id/supprimer', requireSession, parseForm, csrf, async (req, res) => {
    await removeDocument(ctx, personActor(req, res), req.params.id as string);
    res.redirect(303, '/documents?fait=supprime');
  });

  return router;
}

// Turns a refused upload into the message beside the field to fix. Other
// errors (audit unavailable, staff role) go to the error page.
// NOTE: the upload service stops at the first refused field, so a form with
// both the category and the file missing shows only the category's error.
function uploadFieldError(error: AppError): FieldError | undefined {
  switch (error.code) {
    case 'category_missing':
    case 'category_unknown':
      return { fieldId: 'category', message: 'Choisissez la catégorie du document dans la liste.' };
    case 'file_missing':
      return { fieldId: 'file', message: 'Choisissez le fichier à ajouter.' };
    case 'file_empty':
      return { fieldId: 'file', message: 'Le fichier choisi est vide. Choisissez un autre fichier.' };
    case 'file_type_not_accepted':
      return { fieldId: 'file', message: 'Ce fichier n\'est ni un PDF, ni une image JPEG ou PNG. Choisissez un fichier dans l\'un de ces formats.' };
    case 'file_too_large':
      return { fieldId: 'file', message: describeError('file_too_large', 'fr', error.params).detail };
    case 'rate_limited':
      return { fieldId: 'file', message: 'Vous avez ajouté beaucoup de documents en peu de temps. Attendez une minute, puis recommencez.' };
    case 'upload_malformed':
      return { fieldId: 'file', message: 'L\'envoi du fichier n\'a pas abouti. Choisissez à nouveau le fichier, puis recommencez.' };
    case 'validation_failed':
      if (error.params.field === 'title') return { fieldId: 'title', message: `Corrigez le titre : ${error.params.reason}.` };
      return { fieldId: 'file', message: `Corrigez le fichier : ${error.params.reason}.` };
    default:
      return undefined;
  }
}
