import { accessHistoryRoutes } from '../access-history/access-history.routes.js';
import type { AppContext } from '../context.js';
import type { Feature } from '../feature.js';
import { dpoAuditRoutes } from './dpo-audit.routes.js';

/**
 * Creates the feature that serves the audit log to people: the DPO's journal
 * and exports under `/dpo/v1/audit`, and each person's access history under `/api/v1`.
 */
export async function createDpoFeature(ctx: AppContext): Promise<Feature> {
  return { routers: [dpoAuditRoutes(ctx), accessHistoryRoutes(ctx)] };
}
