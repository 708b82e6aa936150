import { Router } from 'express';

import { currentSession } from '../identity/session.middleware.js';
import { html } from './html.js';
import { PERSON_NAV, renderPage } from './layout.js';

/** `GET /`: the home page, with the sign-in button or the signed-in person's shortcuts. */
export function homeRoutes(options: { devProvider: boolean }): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    const session = currentSession(res);
    const main = session ? signedInHome(session.roles) : signedOutHome(options.devProvider);
    res.set('Cache-Control', 'no-store').type('html').send(renderPage({ title: 'Accueil', main, session, currentPath: '/' }));
  });

  return router;
}

function signedOutHome(devProvider: boolean) {
  return html`<h1>Coffre, votre coffre-fort de documents</h1>
<p>Gardez en un seul endroit vos documents de santé et de handicap : décisions de la MDPH, certificats médicaux, justificatifs.</p>
<p>Vous choisissez ce que vous partagez, avec qui, pour quoi et jusqu'à quand. Vous voyez chaque consultation, et vous pouvez arrêter un partage à tout moment.</p>
<h2>Se connecter</h2>
<p>Vous vous identifiez avec un compte que vous avez déjà, sans créer de mot de passe.</p>
${devProvider ? html`<div class="fr-callout"><p>Ce coffre de développement remplace FranceConnect par un fournisseur d'identité de test : vous choisirez l'un de ses comptes fictifs, sans mot de passe.</p></div>` : ''}
<div class="fr-connect-group">
<a class="fr-btn fr-connect" href="/auth/login"><span class="fr-connect__login">S'identifier avec</span> <span class="fr-connect__brand">FranceConnect</span></a>
</div>`;
}

function signedInHome(roles: readonly string[]) {
  if (!roles.includes('person')) {
    // Staff accounts see the entry to their own pages, never a person's documents.
    return html`<h1>Bienvenue dans Coffre</h1>
<p>Votre compte a un rôle d'administration ou de protection des données : il ne donne pas accès aux documents des personnes.</p>
<ul>
${roles.includes('dpo') ? html`<li><a href="/dpo">Pages du délégué à la protection des données : journal d'audit, export, vérification</a></li>
` : ''}${roles.includes('admin') ? html`<li><a href="/admin">Pages d'administration : partenaires</a></li>
` : ''}</ul>`;
  }
  return html`<h1>Bienvenue dans votre coffre</h1>
<p>Que voulez-vous faire ?</p>
<ul>
${PERSON_NAV.map((item) => html`<li><a href="${item.href}">${item.label}</a></li>\n`)}</ul>`;
}
