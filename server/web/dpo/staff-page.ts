import type { Request, Response } from 'express';

import type { SessionInfo } from '../../identity/session.types.js';
import { trustedHtml } from '../html.js';
import { renderPage, type NavItem } from '../layout.js';

/** Main navigation of the DPO's pages. */
export const DPO_NAV: readonly NavItem[] = Object.freeze([
  { href: '/dpo/journal', label: 'Journal d\'audit' },
  { href: '/dpo/export', label: 'Exporter' },
  { href: '/dpo/verification', label: 'Vérifier l\'intégrité' },
]);

// One link only: the layout marks a link current when the path starts with
// its href, so "/admin" beside "/admin/partenaires" would mark both.
/** Main navigation of the administrator's pages. */
export const ADMIN_NAV: readonly NavItem[] = Object.freeze([{ href: '/admin/partenaires', label: 'Partenaires' }]);

/** A staff page as a route hands it over: its unique title and the content of `<main>`. */
export interface StaffPage {
  title: string;
  /** Content of `<main>`, already escaped. */
  mainHtml: string;
  nav: readonly NavItem[];
  session: SessionInfo;
  status?: number;
  /** True when the page shows form errors, so the title starts with « Erreur ». */
  hasErrors?: boolean;
}

// NOTE: staff pages are written in French only and ignore Accept-Language,
// unlike the API's problem details; an English version needs its own texts.

/**
 * Sends a staff page in the shared layout. Staff pages list ids of people
 * and are never cached.
 */
export function sendStaffPage(req: Request, res: Response, page: StaffPage): void {
  const html = renderPage({
    title: page.title,
    main: trustedHtml(page.mainHtml),
    session: page.session,
    nav: page.nav,
    currentPath: req.path,
    hasErrors: page.hasErrors ?? false,
  });
  res.status(page.status ?? 200).type('html').set('Cache-Control', 'no-store').send(html);
}
