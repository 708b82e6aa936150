import type { AppContext } from '../context.js';
import type { Feature } from '../feature.js';
import { homeRoutes } from './home.routes.js';
import { pageErrorHandler } from './page-errors.js';
import { accessRequestPageRoutes } from './person/access-request.routes.js';
import { documentPageRoutes } from './person/document.routes.js';
import { historyPageRoutes } from './person/history.routes.js';
import { sharePageRoutes } from './person/share.routes.js';
import { staticRoutes } from './static.routes.js';

/**
 * The server-rendered pages: their assets (mounted before the session is
 * loaded, since they are the same for everyone) and the page routers, each
 * ending with the HTML error handler.
 */
export function createWebFeature(ctx: AppContext): Feature {
  const pages = [
    homeRoutes({ devProvider: ctx.config.oidc.devProvider }),
    documentPageRoutes(ctx),
    sharePageRoutes(ctx),
    accessRequestPageRoutes(ctx),
    historyPageRoutes(ctx),
  ];
  for (const router of pages) router.use(pageErrorHandler);
  return {
    early: [{ path: '/', handler: staticRoutes() }],
    routers: pages,
  };
}
