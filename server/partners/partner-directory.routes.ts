import { Router } from 'express';

import { requireRole, requireSession } from '../identity/session.middleware.js';
import type { AppContext } from '../context.js';
import { toDirectoryEntry } from './partner-view.js';
import { listActivePartners } from './partner.repository.js';

const frenchOrder = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

/**
 * `GET /api/v1/partners`: the active partners, by name in French alphabetical order,
 * for a person choosing whom to share documents with. Suspended partners are left out
 * because nothing can be shared with them.
 * NOTE: the list is not paginated, which suits tens or hundreds of partners. A national
 * registry of thousands would need a search by name or kind instead.
 */
export function partnerDirectoryRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/api/v1/partners', requireSession, requireRole('person'), async (_req, res) => {
    const partners = await listActivePartners(ctx.db);
    partners.sort((left, right) => frenchOrder.compare(left.name, right.name) || left.id.localeCompare(right.id));
    res.set('Cache-Control', 'no-store').json({ items: partners.map(toDirectoryEntry) });
  });
  return router;
}
