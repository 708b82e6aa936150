import { escapeHtml, renderPage } from '../html-page.js';
import { DEV_ACCOUNTS } from './dev-accounts.js';

// Pages of the development identity provider, in French. Forms and buttons only: the
// vault's Content Security Policy forbids inline script and style, and applies here too.

const DEV_NOTICE =
  '<p>Ce fournisseur d\'identité de développement remplace FranceConnect+ sur un poste de développement. ' +
  'Les comptes ci-dessous sont fictifs et aucun mot de passe n\'est demandé.</p>';

/**
 * Renders the sign-in page: one submit button per fictional account, each sending `account=<id>`
 * to `actionPath`, and a button that cancels the sign-in.
 */
export function signInPage(actionPath: string, abortPath: string): string {
  const buttons = DEV_ACCOUNTS.map(
    (account) => `<li><button type="submit" name="account" value="${escapeHtml(account.id)}">${escapeHtml(account.label)}</button></li>`,
  ).join('\n');
  return renderPage({
    lang: 'fr',
    title: 'Connexion de développement',
    mainHtml: [
      '<h1>Connexion de développement</h1>',
      DEV_NOTICE,
      `<form method="post" action="${escapeHtml(actionPath)}">`,
      '<fieldset>',
      '<legend>Choisissez le compte fictif avec lequel vous connecter</legend>',
      `<ul>\n${buttons}\n</ul>`,
      '</fieldset>',
      '</form>',
      `<form method="post" action="${escapeHtml(abortPath)}">`,
      '<button type="submit">Annuler la connexion</button>',
      '</form>',
    ].join('\n'),
  });
}

/**
 * Renders the sign-out confirmation page. `providerForm` is oidc-provider's hidden form (with its
 * anti-forgery field); the buttons submit it through their `form` attribute.
 */
export function signOutPage(providerForm: string): string {
  return renderPage({
    lang: 'fr',
    title: 'Déconnexion',
    mainHtml: [
      '<h1>Déconnexion du fournisseur d\'identité de développement</h1>',
      '<p>Vous êtes déconnecté du coffre. Voulez-vous aussi fermer votre session chez ce fournisseur d\'identité ?</p>',
      providerForm,
      '<button type="submit" form="op.logoutForm" name="logout" value="yes">Oui, me déconnecter</button>',
      '<button type="submit" form="op.logoutForm">Non, rester connecté</button>',
    ].join('\n'),
  });
}

export function signedOutPage(): string {
  return renderPage({
    lang: 'fr',
    title: 'Déconnecté',
    mainHtml: '<h1>Vous êtes déconnecté</h1>\n<p><a href="/">Retour à l\'accueil du coffre</a></p>',
  });
}

/** Renders the provider's error page; `error` is an OAuth error code such as `invalid_request`. */
export function providerErrorPage(error: string, description: string | undefined): string {
  return renderPage({
    lang: 'fr',
    title: 'Erreur du fournisseur d\'identité',
    mainHtml: [
      '<h1>Le fournisseur d\'identité de développement a refusé la demande</h1>',
      `<p>Code d'erreur : <code>${escapeHtml(error)}</code></p>`,
      description ? `<p>Détail (en anglais) : ${escapeHtml(description)}</p>` : '',
      '<p><a href="/">Retour à l\'accueil du coffre</a></p>',
    ].join('\n'),
  });
}
