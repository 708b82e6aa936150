import { Router } from 'express';

import { AppError } from '../errors/app-error.js';
import { requestLocale } from '../i18n/locale.js';
import { CONSENT_PLACEHOLDERS, currentConsentText, findConsentText } from './consent-text.js';

/**
 * `GET /api/v1/consent-text[?version=]`: the consent text that the grant
 * pages show, in the request's language. Public, because it is the same
 * text for everyone and contains no personal data.
 */
export function consentTextRoutes(): Router {
  const router = Router();
  router.get('/api/v1/consent-text', (req, res) => {
    const requested = req.query.version;
    if (requested !== undefined && typeof requested !== 'string') {
      throw new AppError('validation_failed', { field: 'version', reason: 'une seule valeur est attendue', reasonEn: 'a single value is expected' });
    }
    const consent = requested === undefined ? currentConsentText() : findConsentText(requested);
    if (!consent) throw new AppError('not_found');

    const locale = requestLocale(req);
    res.set('Cache-Control', 'no-store').json({
      version: consent.version,
      locale,
      text: consent.text[locale],
      placeholders: CONSENT_PLACEHOLDERS,
    });
  });
  return router;
}
