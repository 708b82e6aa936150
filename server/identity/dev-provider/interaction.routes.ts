import express, { Router, type Request, type Response } from 'express';
import { errors, type Provider } from 'oidc-provider';

import { logger } from '../../logging/logger.js';
import { findDevAccount } from './dev-accounts.js';
import { providerErrorPage, signInPage } from './dev-provider-pages.js';

/** The assurance level that the development provider reports, as FranceConnect+ does for most people. */
export const DEV_PROVIDER_ACR = 'eidas2';

/**
 * Serves the development provider's sign-in screen, mounted under its issuer path before
 * oidc-provider itself: GET shows the fictional accounts, POST with `account=<id>` signs
 * that account in, POST to `/abort` cancels. The interaction cookie that oidc-provider set
 * binds the page to the browser that started the sign-in.
 */
export function interactionRoutes(provider: Provider, mountPath: string): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 10 });

  router.get('/interaction/:uid', async (req, res) => {
    if (!(await loadInteraction(provider, req, res))) return;
    const action = `${mountPath}/interaction/${encodeURIComponent(req.params.uid!)}`;
    res.status(200).type('html').set('Cache-Control', 'no-store').send(signInPage(action, `${action}/abort`));
  });

  router.post('/interaction/:uid', form, async (req, res) => {
    if (!(await loadInteraction(provider, req, res))) return;
    const account = findDevAccount((req.body as Record<string, unknown> | undefined)?.account);
    if (!account) {
      res.status(400).type('html').send(providerErrorPage('invalid_request', 'the "account" field must be one of the listed account ids'));
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: account.id, acr: DEV_PROVIDER_ACR, amr: ['pwd'], remember: true } },
      { mergeWithLastSubmission: false },
    );
  });

  router.post('/interaction/:uid/abort', async (req, res) => {
    if (!(await loadInteraction(provider, req, res))) return;
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'the person cancelled the sign-in' },
      { mergeWithLastSubmission: false },
    );
  });

  return router;
}

// Returns false after sending an error page when the interaction is unknown,
// expired, or belongs to another browser or another uid.
async function loadInteraction(provider: Provider, req: Request, res: Response): Promise<boolean> {
  try {
    const interaction = await provider.interactionDetails(req, res);
    if (interaction.uid !== req.params.uid || interaction.prompt.name !== 'login') {
      res.status(400).type('html').send(providerErrorPage('invalid_request', 'this sign-in page does not match the current sign-in; start again from the vault'));
      return false;
    }
    return true;
  } catch (error) {
    if (!(error instanceof errors.SessionNotFound)) throw error;
    logger.info('development provider interaction not found', { requestId: res.locals.requestId, error });
    res.status(400).type('html').send(providerErrorPage('session_not_found', 'the sign-in has expired or was started in another browser; start again from the vault'));
    return false;
  }
}
