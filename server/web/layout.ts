import type { SessionInfo } from '../identity/session.types.js';
import { formatTime } from './dates.js';
import { findDsfrAssets } from './dsfr-assets.js';
import { html, type SafeHtml } from './html.js';
import { ASSETS_PATH } from './static.routes.js';

/** One link of a page's main navigation. */
export interface NavItem {
  href: string;
  label: string;
}

/** Main navigation of a signed-in person. */
export const PERSON_NAV: readonly NavItem[] = Object.freeze([
  { href: '/documents', label: 'Mes documents' },
  { href: '/partager', label: 'Partager' },
  { href: '/partages', label: 'Mes partages' },
  { href: '/demandes', label: 'Demandes d\'accès' },
  { href: '/historique', label: 'Historique des accès' },
]);

/** Options of `renderPage`. */
export interface PageOptions {
  /**
   * Title of this page alone, unique across the site, such as "Mes documents".
   * The document title becomes "<title> – Coffre".
   */
  title: string;
  /** Content of `<main>`, starting with its `<h1>`. */
  main: SafeHtml;
  /** The signed-in session: adds the sign-out form and the session expiry notice. */
  session?: SessionInfo | undefined;
  /**
   * Main navigation. Defaults to PERSON_NAV when the session has the `person`
   * role and to none otherwise; DPO and administrator pages pass their own.
   */
  nav?: readonly NavItem[];
  /** Path of the current page, so its navigation link gets `aria-current="page"`. */
  currentPath?: string;
  /**
   * Language of `main`; French unless the page was written in English.
   * NOTE: the header, navigation and footer are always in French, so an
   * English page mixes both languages there.
   */
  lang?: 'fr' | 'en';
  /** Set when the page shows form errors: the title starts with "Erreur" so that screen readers announce it first. */
  hasErrors?: boolean;
}

/**
 * Renders a whole DSFR page: language, unique title, skip links, header
 * with the service name and, when signed in, the sign-out form and the
 * session expiry time, main navigation, `<main id="contenu">` and footer.
 * The page has no inline script or style, so the strict Content Security
 * Policy applies unchanged.
 */
export function renderPage(options: PageOptions): string {
  const nav = options.nav ?? (options.session?.roles.includes('person') ? PERSON_NAV : []);
  const title = `${options.hasErrors ? 'Erreur – ' : ''}${options.title} – Coffre`;
  return html`<!DOCTYPE html>
<html lang="${options.lang ?? 'fr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${stylesheets()}
<script src="${ASSETS_PATH}/coffre.js" defer></script>
</head>
<body${findDsfrAssets() ? '' : html` class="coffre-no-dsfr"`}>
${skipLinks(nav.length > 0)}
${header(options.session)}
${navigation(nav, options.currentPath)}
<main id="contenu" tabindex="-1" class="fr-container fr-py-4w">
${options.main}
</main>
${footer()}
</body>
</html>
`.value;
}

function stylesheets(): SafeHtml {
  const dsfr = findDsfrAssets();
  return html`${dsfr ? html`<link rel="stylesheet" href="${dsfr.urlPrefix}/dsfr.min.css">\n<link rel="stylesheet" href="${dsfr.urlPrefix}/utility/icons/icons.min.css">\n` : ''}<link rel="stylesheet" href="${ASSETS_PATH}/coffre.css">`;
}

function skipLinks(hasNav: boolean): SafeHtml {
  return html`<div class="fr-skiplinks">
<nav class="fr-container" aria-label="Accès rapide">
<ul class="fr-skiplinks__list">
<li><a class="fr-link" href="#contenu">Aller au contenu</a></li>
${hasNav ? html`<li><a class="fr-link" href="#navigation-principale">Aller au menu</a></li>` : ''}
<li><a class="fr-link" href="#pied-de-page">Aller au pied de page</a></li>
</ul>
</nav>
</div>`;
}

function header(session: SessionInfo | undefined): SafeHtml {
  return html`<header class="fr-header">
<div class="fr-header__body">
<div class="fr-container">
<div class="fr-header__body-row">
<div class="fr-header__brand">
<div class="fr-header__service">
<a href="/" title="Accueil – Coffre"><p class="fr-header__service-title">Coffre</p></a>
<p class="fr-header__service-tagline">Vos documents de santé et de handicap, partagés avec votre accord</p>
</div>
</div>
${session ? sessionTools(session) : ''}
</div>
</div>
</div>
</header>`;
}

// The expiry time is written in the page, so it is known without JavaScript;
// coffre.js reads `data-expires-at` and warns a few minutes before.
function sessionTools(session: SessionInfo): SafeHtml {
  return html`<div class="fr-header__tools">
<p class="coffre-session" id="session-expiry" data-expires-at="${session.expiresAt.toISOString()}">Votre session se ferme à ${formatTime(session.expiresAt)} si vous restez sans rien faire.</p>
<div class="coffre-session-warning" id="session-warning" role="status" aria-live="polite"></div>
<form method="post" action="/auth/logout" class="coffre-inline-form">
<input type="hidden" name="_csrf" value="${session.csrfToken}">
<button type="submit" class="fr-btn fr-btn--tertiary fr-btn--sm">Se déconnecter</button>
</form>
</div>`;
}

function navigation(items: readonly NavItem[], currentPath: string | undefined): SafeHtml {
  if (items.length === 0) return html``;
  const links = items.map((item) => {
    const current = currentPath !== undefined && (currentPath === item.href || currentPath.startsWith(`${item.href}/`));
    return html`<li class="fr-nav__item"><a class="fr-nav__link" href="${item.href}"${current ? html` aria-current="page"` : ''}>${item.label}</a></li>\n`;
  });
  return html`<div class="coffre-nav fr-container">
<nav class="fr-nav" id="navigation-principale" aria-label="Menu principal" tabindex="-1">
<ul class="fr-nav__list">
${links}</ul>
</nav>
</div>`;
}

function footer(): SafeHtml {
  return html`<footer class="fr-footer" id="pied-de-page" tabindex="-1">
<div class="fr-container">
<div class="fr-footer__body">
<div class="fr-footer__content">
<p class="fr-footer__content-desc">Coffre conserve vos documents chiffrés. Vous choisissez avec qui vous les partagez, pour quoi et jusqu'à quand, et vous voyez chaque consultation.</p>
</div>
</div>
<div class="fr-footer__bottom">
<ul class="fr-footer__bottom-list">
<li class="fr-footer__bottom-item">Accessibilité : non conforme (aucun audit RGAA réalisé à ce jour)</li>
</ul>
</div>
</div>
</footer>`;
}
