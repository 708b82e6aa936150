import { Router } from 'express';

import { escapeHtml, renderPage } from '../identity/html-page.js';
import { currentSession } from '../identity/session.middleware.js';

// NOTE: a plain home page until the DSFR pages exist. A person who signs in
// on the embedded default lands here and can sign out again.

/** `GET /`: the home page, with sign-in or sign-out depending on the session. */
export function homeRoutes(): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    const session = currentSession(res);
    const mainHtml = session
      ? [
          '<h1>Coffre</h1>',
          '<p>Vous êtes connecté ou connectée.</p>',
          '<p>Les pages pour gérer vos documents et vos partages arrivent bientôt. En attendant, le coffre s\'utilise par son interface de programmation : <code>/api/v1/documents</code>.</p>',
          '<form method="post" action="/auth/logout">',
          `<input type="hidden" name="_csrf" value="${escapeHtml(session.csrfToken)}">`,
          '<button type="submit">Se déconnecter</button>',
          '</form>',
        ].join('\n')
      : [
          '<h1>Coffre</h1>',
          '<p>Votre coffre-fort numérique pour vos documents de santé et de handicap : décisions de la MDPH, certificats médicaux, justificatifs.</p>',
          '<p>Vous choisissez ce que vous partagez, avec qui, pour quoi et jusqu\'à quand. Vous voyez chaque consultation.</p>',
          '<p><a href="/auth/login">S\'identifier</a></p>',
        ].join('\n');

    res.set('Cache-Control', 'no-store').type('html').send(renderPage({ lang: 'fr', title: 'Accueil', mainHtml }));
  });

  return router;
}
